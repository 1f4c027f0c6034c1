using System.Text;
using ReSTEM.Storage.TensorBoard;

namespace ReSTEM.Storage.Tests;

public sealed class TensorBoardTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Scalars_written_read_back_with_every_length_and_data_crc_checked()
    {
        using var dir = new TempDir();
        string path;
        using (var writer = new EventFileWriter(Path.Combine(dir.Path, "tensorboard")))
        {
            path = writer.Path;
            writer.Scalar("mstep/iter-1/loss", 1, 2.5);
            writer.Scalar("mstep/iter-1/loss", 2, 1.25);
            writer.Scalar("eval/pass@1", 3, 0.125);
        }

        Assert.StartsWith("events.out.tfevents.", Path.GetFileName(path));
        var scalars = TensorBoardEvents.ReadScalars(File.ReadAllBytes(path), out var version);
        Assert.Equal(TensorBoardEvents.FileVersion, version);
        Assert.Equal([("mstep/iter-1/loss", 1L, 2.5f), ("mstep/iter-1/loss", 2L, 1.25f), ("eval/pass@1", 3L, 0.125f)],
            scalars.Select(s => (s.Tag, s.Step, s.Value)));
        Assert.All(scalars, s => Assert.InRange(s.WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
    }

    [Fact]
    public void A_flipped_byte_fails_the_crc()
    {
        var record = TensorBoardEvents.Record(TensorBoardEvents.ScalarEvent(1, 1, "x", 1f));
        record[14] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => TensorBoardEvents.ReadScalars(record, out _));
    }

    [Fact]
    public void The_record_framing_is_little_endian_length_then_masked_crc()
    {
        var data = new byte[] { 1, 2, 3 };
        var record = TensorBoardEvents.Record(data);
        Assert.Equal(8 + 4 + 3 + 4, record.Length);
        Assert.Equal(3UL, BitConverter.ToUInt64(record, 0));
        Assert.Equal(Crc32C.Masked(record.AsSpan(0, 8)), BitConverter.ToUInt32(record, 8));
        Assert.Equal(data, record[12..15]);
    }
}
