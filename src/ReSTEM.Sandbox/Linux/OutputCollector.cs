namespace ReSTEM.Sandbox.Linux;

/// <summary>
/// Drains one output pipe of a sandboxed program: keeps the first <c>keepBytes</c> (stdout) or
/// the last ones (stderr), counts everything, and reports when the count passes the limit so
/// the runner can kill the program instead of buffering without end.
/// </summary>
internal sealed class OutputCollector(long limit, int keepBytes, bool keepTail)
{
    private readonly MemoryStream _head = new();
    private readonly byte[] _tail = keepTail ? new byte[keepBytes] : [];
    private long _tailWritten;

    /// <summary>Bytes read so far.</summary>
    public long Total { get; private set; }

    /// <summary>True once more than the limit was written.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>Reads until end of stream, or until the limit is passed (then calls <paramref name="onExceeded"/> and keeps draining nothing more).</summary>
    public async Task DrainAsync(Stream stream, Action onExceeded)
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }
                Append(buffer.AsSpan(0, n));
                if (Total > limit && !Exceeded)
                {
                    Exceeded = true;
                    onExceeded();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The runner closed the pipe after killing the program.
        }
    }

    /// <summary>The kept bytes: the first up-to-limit bytes, or the last <c>keepBytes</c> bytes.</summary>
    public byte[] Kept()
    {
        if (!keepTail)
        {
            return _head.ToArray();
        }
        var length = (int)Math.Min(_tailWritten, _tail.Length);
        var result = new byte[length];
        var start = (int)((_tailWritten - length) % _tail.Length);
        for (var i = 0; i < length; i++)
        {
            result[i] = _tail[(start + i) % _tail.Length];
        }
        return result;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        Total += data.Length;
        if (!keepTail)
        {
            var room = (int)Math.Min(data.Length, Math.Max(0, Math.Min(limit, keepBytes) - _head.Length));
            _head.Write(data[..room]);
            return;
        }
        foreach (var b in data)
        {
            _tail[_tailWritten++ % _tail.Length] = b;
        }
    }
}
