using Instance = ReSTEM.Core.Tasks.Code.CodeFamily.Instance;

namespace ReSTEM.Core.Tasks.Code;

/// <summary>
/// The 25 problem families of the built-in code task, five per difficulty level. Every family
/// has parameters, so it yields hundreds of distinct problems; the reference bodies are
/// written the way a person would write them, and the expected results are computed here
/// (never by running the reference), so a test checks the reference too.
/// </summary>
internal static class CodeFamilies
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyz";

    public static IReadOnlyList<CodeFamily> All { get; } =
    [
        // Level 1: one expression.
        new("add", 1, r =>
        {
            var k = r.Next(2, 1000);
            return new Instance($"add_{k}", "x", $"Return x plus {k}.", $"    return x + {k}\n", Int(-100, 100), a => (long)a[0] + k);
        }),
        new("times", 1, r =>
        {
            var k = r.Next(2, 100);
            return new Instance($"times_{k}", "x", $"Return x multiplied by {k}.", $"    return x * {k}\n", Int(-100, 100), a => (long)a[0] * k);
        }),
        new("minus", 1, r =>
        {
            var k = r.Next(2, 1000);
            return new Instance($"minus_{k}", "x", $"Return x minus {k}.", $"    return x - {k}\n", Int(-100, 1000), a => (long)a[0] - k);
        }),
        new("is_multiple_of", 1, r =>
        {
            var k = r.Next(2, 200);
            return new Instance($"is_multiple_of_{k}", "x", $"Return True if x is a multiple of {k}, else False.", $"    return x % {k} == 0\n",
                rr => [rr.Next(3) == 0 ? (long)k * rr.Next(0, 20) : rr.Next(0, 2000)], a => (long)a[0] % k == 0);
        }),
        new("larger_plus", 1, r =>
        {
            var k = r.Next(1, 1000);
            return new Instance($"larger_plus_{k}", "a, b", $"Return the larger of a and b, plus {k}.", $"    return max(a, b) + {k}\n",
                rr => [(long)rr.Next(-100, 101), (long)rr.Next(-100, 101)], a => Math.Max((long)a[0], (long)a[1]) + k);
        }),

        // Level 2: two operations or a condition.
        new("line", 2, r =>
        {
            int m = r.Next(2, 30), b = r.Next(1, 100);
            return new Instance($"line_{m}_{b}", "x", $"Return {m} times x plus {b}.", $"    return {m} * x + {b}\n", Int(-50, 50), a => m * (long)a[0] + b);
        }),
        new("clamp", 2, r =>
        {
            var lo = r.Next(-50, 40);
            var hi = r.Next(lo + 1, 60);
            return new Instance($"clamp_{Sign(lo)}_{Sign(hi)}", "x", $"Return x limited to the range from {lo} to {hi}.", $"    return min(max(x, {lo}), {hi})\n",
                Int(-100, 100), a => Math.Min(Math.Max((long)a[0], lo), hi));
        }),
        new("mod", 2, r =>
        {
            var k = r.Next(2, 1000);
            return new Instance($"mod_{k}", "x", $"Return the remainder of x divided by {k}.", $"    return x % {k}\n", Int(0, 5000), a => (long)a[0] % k);
        }),
        new("wrap", 2, r =>
        {
            var c = Letters[r.Next(26)];
            var k = r.Next(1, 21);
            return new Instance($"wrap_{c}{k}", "s", $"Return s with {k} copies of '{c}' added at both ends.", $"    return '{c}' * {k} + s + '{c}' * {k}\n",
                rr => [Word(rr, 0, 5)], a => new string(c, k) + (string)a[0] + new string(c, k));
        }),
        new("between", 2, r =>
        {
            var lo = r.Next(-50, 40);
            var hi = r.Next(lo, 60);
            return new Instance($"between_{Sign(lo)}_{Sign(hi)}", "x", $"Return True if x is between {lo} and {hi}, both included.", $"    return {lo} <= x <= {hi}\n",
                Int(-70, 80), a => (long)a[0] >= lo && (long)a[0] <= hi);
        }),

        // Level 3: one pass over a list or a string.
        new("sum_above", 3, r =>
        {
            var k = r.Next(-10, 30);
            return new Instance($"sum_above_{Sign(k)}", "xs", $"Return the sum of the numbers in xs that are greater than {k}.", $"    return sum(v for v in xs if v > {k})\n",
                List(-20, 50), a => ((long[])a[0]).Where(v => v > k).Sum());
        }),
        new("count_letters", 3, r =>
        {
            var c1 = Letters[r.Next(26)];
            var c2 = Letters[r.Next(26)];
            while (c2 == c1)
            {
                c2 = Letters[r.Next(26)];
            }
            return new Instance($"count_{c1}_{c2}", "s", $"Return how many letters of s are '{c1}' or '{c2}'.", $"    return s.count('{c1}') + s.count('{c2}')\n",
                rr => [Word(rr, 0, 12, $"{c1}{c2}")], a => (long)((string)a[0]).Count(ch => ch == c1 || ch == c2));
        }),
        new("scale", 3, r =>
        {
            var k = r.Next(2, 50);
            return new Instance($"scale_{k}", "xs", $"Return a list of the numbers in xs, each multiplied by {k}.", $"    return [v * {k} for v in xs]\n",
                List(-20, 20), a => ((long[])a[0]).Select(v => v * k).ToArray());
        }),
        new("multiples_of", 3, r =>
        {
            var k = r.Next(2, 12);
            var offset = r.Next(0, 100);
            return new Instance($"multiples_of_{k}_plus_{offset}", "xs", $"Return the numbers in xs that are multiples of {k}, each plus {offset}, in order.",
                $"    return [v + {offset} for v in xs if v % {k} == 0]\n", List(0, 60), a => ((long[])a[0]).Where(v => v % k == 0).Select(v => v + offset).ToArray());
        }),
        new("count_below", 3, r =>
        {
            var k = r.Next(-10, 40);
            return new Instance($"count_below_{Sign(k)}", "xs", $"Return how many numbers in xs are less than {k}.", $"    return len([v for v in xs if v < {k}])\n",
                List(-20, 50), a => (long)((long[])a[0]).Count(v => v < k));
        }),

        // Level 4: accumulate while looping.
        new("running_total_from", 4, r =>
        {
            var k = r.Next(-50, 100);
            return new Instance($"running_total_from_{Sign(k)}", "xs", $"Return the running totals of xs, starting from {k}.",
                $"    total = {k}\n    out = []\n    for v in xs:\n        total += v\n        out.append(total)\n    return out\n",
                List(-20, 20), a => RunningTotals((long[])a[0], k));
        }),
        new("digit_sum_times", 4, r =>
        {
            var k = r.Next(2, 100);
            return new Instance($"digit_sum_times_{k}", "n", $"Return the sum of the digits of n, times {k} (n is not negative).",
                $"    total = 0\n    while n > 0:\n        total += n % 10\n        n //= 10\n    return total * {k}\n",
                rr => [(long)rr.Next(0, 100000)], a => DigitSum((long)a[0]) * k);
        }),
        new("unique_plus", 4, r =>
        {
            var k = r.Next(1, 100);
            return new Instance($"unique_plus_{k}", "xs", $"Return the distinct numbers of xs in the order they first appear, each plus {k}.",
                $"    seen = []\n    for v in xs:\n        if v not in seen:\n            seen.append(v)\n    return [v + {k} for v in seen]\n",
                List(0, 8), a => FirstSeen((long[])a[0]).Select(v => v + k).ToArray());
        }),
        new("spread_or", 4, r =>
        {
            var k = r.Next(-100, 100);
            return new Instance($"spread_or_{Sign(k)}", "xs", $"Return the largest number in xs minus the smallest, or {k} if xs is empty.",
                $"    if not xs:\n        return {k}\n    return max(xs) - min(xs)\n",
                List(-50, 50), a => ((long[])a[0]) is { Length: > 0 } xs ? xs.Max() - xs.Min() : (long)k);
        }),
        new("vowels_times", 4, r =>
        {
            var k = r.Next(2, 100);
            return new Instance($"vowels_times_{k}", "s", $"Return the number of vowels (a, e, i, o, u) in s, times {k}.",
                $"    count = 0\n    for ch in s:\n        if ch in 'aeiou':\n            count += 1\n    return count * {k}\n",
                rr => [Word(rr, 0, 12)], a => (long)((string)a[0]).Count(ch => "aeiou".Contains(ch)) * k);
        }),

        // Level 5: nested loops and small algorithms.
        new("sequence", 5, r =>
        {
            int first = r.Next(0, 31), second = r.Next(0, 31);
            return new Instance($"sequence_{first}_{second}", "n",
                $"Return number n of the sequence that starts {first}, {second}, where each next number is the sum of the two before it (n = 0 gives {first}).",
                $"    a, b = {first}, {second}\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n",
                rr => [(long)rr.Next(0, 25)], a => Sequence(first, second, (long)a[0]));
        }),
        new("primes_below_plus", 5, r =>
        {
            var k = r.Next(0, 1000);
            return new Instance($"primes_below_plus_{k}", "n", $"Return how many prime numbers are smaller than n, plus {k}.",
                "    count = 0\n    for m in range(2, n):\n        is_prime = True\n        for d in range(2, int(m ** 0.5) + 1):\n            if m % d == 0:\n                is_prime = False\n                break\n        if is_prime:\n            count += 1\n" + $"    return count + {k}\n",
                rr => [(long)rr.Next(0, 120)], a => PrimesBelow((long)a[0]) + k);
        }),
        new("pairs_summing_to", 5, r =>
        {
            var k = r.Next(-20, 60);
            return new Instance($"pairs_summing_to_{Sign(k)}", "xs", $"Return how many pairs of positions i < j have xs[i] + xs[j] equal to {k}.",
                $"    count = 0\n    for i in range(len(xs)):\n        for j in range(i + 1, len(xs)):\n            if xs[i] + xs[j] == {k}:\n                count += 1\n    return count\n",
                List(-10, 40, 12), a => Pairs((long[])a[0], k));
        }),
        new("longest_run_above", 5, r =>
        {
            var k = r.Next(-20, 40);
            return new Instance($"longest_run_above_{Sign(k)}", "xs", $"Return the length of the longest run of consecutive numbers in xs that are all greater than {k}.",
                $"    best = 0\n    run = 0\n    for v in xs:\n        if v > {k}:\n            run += 1\n            best = max(best, run)\n        else:\n            run = 0\n    return best\n",
                List(-30, 60, 15), a => LongestRun((long[])a[0], k));
        }),
        new("gcd_with", 5, r =>
        {
            var k = r.Next(2, 1000);
            return new Instance($"gcd_with_{k}", "n", $"Return the greatest common divisor of n and {k} (n is positive).",
                $"    a, b = n, {k}\n    while b:\n        a, b = b, a % b\n    return a\n",
                rr => [rr.Next(2) == 0 ? (long)k * rr.Next(1, 10) / Math.Max(1, rr.Next(1, 4)) + 1 : rr.Next(1, 5000)], a => Gcd((long)a[0], k));
        }),
    ];

    private static string Sign(int value) => value < 0 ? "m" + (-value) : value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Func<Random, object[]> Int(int lo, int hi) => r => [(long)r.Next(lo, hi + 1)];

    private static Func<Random, object[]> List(int lo, int hi, int maxLength = 8) =>
        r => [Enumerable.Range(0, r.Next(0, maxLength + 1)).Select(_ => (long)r.Next(lo, hi + 1)).ToArray()];

    private static string Word(Random r, int minLength, int maxLength, string favoured = "")
    {
        var length = r.Next(minLength, maxLength + 1);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = favoured.Length > 0 && r.Next(3) == 0 ? favoured[r.Next(favoured.Length)] : Letters[r.Next(26)];
        }
        return new string(chars);
    }

    private static long[] RunningTotals(long[] xs, long start)
    {
        var result = new long[xs.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            start += xs[i];
            result[i] = start;
        }
        return result;
    }

    private static List<long> FirstSeen(long[] xs)
    {
        var seen = new List<long>();
        foreach (var v in xs)
        {
            if (!seen.Contains(v))
            {
                seen.Add(v);
            }
        }
        return seen;
    }

    private static long DigitSum(long n)
    {
        long total = 0;
        for (; n > 0; n /= 10)
        {
            total += n % 10;
        }
        return total;
    }

    private static long Sequence(long a, long b, long n)
    {
        for (var i = 0; i < n; i++)
        {
            (a, b) = (b, a + b);
        }
        return a;
    }

    private static long PrimesBelow(long n)
    {
        long count = 0;
        for (var m = 2L; m < n; m++)
        {
            var prime = true;
            for (var d = 2L; d * d <= m; d++)
            {
                if (m % d == 0)
                {
                    prime = false;
                    break;
                }
            }
            if (prime)
            {
                count++;
            }
        }
        return count;
    }

    private static long Pairs(long[] xs, long k)
    {
        long count = 0;
        for (var i = 0; i < xs.Length; i++)
        {
            for (var j = i + 1; j < xs.Length; j++)
            {
                if (xs[i] + xs[j] == k)
                {
                    count++;
                }
            }
        }
        return count;
    }

    private static long LongestRun(long[] xs, long k)
    {
        long best = 0, run = 0;
        foreach (var v in xs)
        {
            run = v > k ? run + 1 : 0;
            best = Math.Max(best, run);
        }
        return best;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
