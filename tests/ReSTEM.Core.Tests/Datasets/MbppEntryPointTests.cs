using ReSTEM.Core.Datasets;

namespace ReSTEM.Core.Tests.Datasets;

public sealed class MbppEntryPointTests
{
    [Theory]
    [InlineData("def remove_Occ(s,ch): \r\n    return s.replace(ch, '')", "assert remove_Occ(\"hello\",\"l\") == \"heo\"", "remove_Occ")]
    // The first call in the test is a builtin's; the reference solution names the function under test.
    [InlineData("def similar_elements(a, b):\n    return tuple(set(a) & set(b))", "assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))", "similar_elements")]
    // A helper defined first but not called by the tests is skipped.
    [InlineData("def helper(x):\n    return x\ndef max(xs):\n    return helper(sorted(xs)[-1])", "assert max([1, 3, 2]) == 3", "max")]
    // A name that only appears as part of a longer name or as an attribute is not a call of it.
    [InlineData("def count(xs):\n    return len(xs)", "assert xs.count(1) == 2 and recount([1]) == 1", null)]
    [InlineData(null, "assert f(1) == 1", null)]
    public void The_function_under_test_comes_from_the_reference_solution(string? code, string test, string? expected) =>
        Assert.Equal(expected, ProblemReaders.MbppEntryPoint(code, [test]));
}
