using System.Buffers.Binary;
using System.Text;

namespace ReSTEM.Storage.TensorBoard;

/// <summary>
/// The bytes of TensorBoard event files: TFRecord framing (uint64 length, masked CRC-32C of the
/// length, the data, masked CRC-32C of the data, all little-endian) around <c>Event</c>
/// protocol buffers (tensorflow/core/util/event.proto: <c>wall_time</c> = 1 double, <c>step</c> =
/// 2 int64, <c>file_version</c> = 3 string, <c>summary</c> = 5; <c>Summary.value</c> = 1;
/// <c>Summary.Value.tag</c> = 1 string, <c>simple_value</c> = 2 float).
/// </summary>
public static class TensorBoardEvents
{
    /// <summary>The first event of every file.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>One scalar read back from a file.</summary>
    /// <param name="WallTime">Seconds since the Unix epoch.</param>
    /// <param name="Step">The step.</param>
    /// <param name="Tag">The series' name.</param>
    /// <param name="Value">The value.</param>
    public sealed record Scalar(double WallTime, long Step, string Tag, float Value);

    /// <summary>The event that opens a file.</summary>
    public static byte[] FileVersionEvent(double wallTime)
    {
        using var e = new MemoryStream();
        WriteTag(e, 1, 1);
        WriteDouble(e, wallTime);
        WriteBytes(e, 3, Encoding.UTF8.GetBytes(FileVersion));
        return e.ToArray();
    }

    /// <summary>An event holding one scalar.</summary>
    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value)
    {
        using var v = new MemoryStream();
        WriteBytes(v, 1, Encoding.UTF8.GetBytes(tag));
        WriteTag(v, 2, 5);
        Span<byte> f = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(f, value);
        v.Write(f);
        using var summary = new MemoryStream();
        WriteBytes(summary, 1, v.ToArray());
        using var e = new MemoryStream();
        WriteTag(e, 1, 1);
        WriteDouble(e, wallTime);
        WriteTag(e, 2, 0);
        WriteVarint(e, unchecked((ulong)step));
        WriteBytes(e, 5, summary.ToArray());
        return e.ToArray();
    }

    /// <summary>One TFRecord: the framing around <paramref name="data"/>.</summary>
    public static byte[] Record(ReadOnlySpan<byte> data)
    {
        var record = new byte[8 + 4 + data.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32C.Masked(record.AsSpan(0, 8)));
        data.CopyTo(record.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + data.Length), Crc32C.Masked(data));
        return record;
    }

    /// <summary>
    /// Reads every record of an event file, checking both CRCs of each, and returns the scalars;
    /// <paramref name="fileVersion"/> is the first event's file_version.
    /// </summary>
    /// <exception cref="InvalidDataException">A record is cut short or a CRC does not match.</exception>
    public static IReadOnlyList<Scalar> ReadScalars(ReadOnlySpan<byte> file, out string? fileVersion)
    {
        var scalars = new List<Scalar>();
        fileVersion = null;
        var position = 0;
        while (position < file.Length)
        {
            if (file.Length - position < 12) throw new InvalidDataException($"record at byte {position} is cut short");
            var length = BinaryPrimitives.ReadUInt64LittleEndian(file[position..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file[(position + 8)..]) != Crc32C.Masked(file.Slice(position, 8)))
                throw new InvalidDataException($"length CRC of the record at byte {position} does not match");
            if (length > (ulong)(file.Length - position - 16)) throw new InvalidDataException($"record at byte {position} is cut short");
            var data = file.Slice(position + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(file[(position + 12 + (int)length)..]) != Crc32C.Masked(data))
                throw new InvalidDataException($"data CRC of the record at byte {position} does not match");
            ParseEvent(data, scalars, ref fileVersion);
            position += 16 + (int)length;
        }
        return scalars;
    }

    private static void ParseEvent(ReadOnlySpan<byte> data, List<Scalar> scalars, ref string? fileVersion)
    {
        double wallTime = 0;
        long step = 0;
        var values = new List<(string Tag, float Value)>();
        var p = 0;
        while (p < data.Length)
        {
            var key = ReadVarint(data, ref p);
            var field = (int)(key >> 3);
            var wire = (int)(key & 7);
            switch (field, wire)
            {
                case (1, 1):
                    wallTime = BinaryPrimitives.ReadDoubleLittleEndian(data[p..]);
                    p += 8;
                    break;
                case (2, 0):
                    step = unchecked((long)ReadVarint(data, ref p));
                    break;
                case (3, 2):
                    fileVersion = Encoding.UTF8.GetString(LengthDelimited(data, ref p));
                    break;
                case (5, 2):
                    ParseSummary(LengthDelimited(data, ref p), values);
                    break;
                default:
                    Skip(data, wire, ref p);
                    break;
            }
        }
        scalars.AddRange(values.Select(v => new Scalar(wallTime, step, v.Tag, v.Value)));
    }

    private static void ParseSummary(ReadOnlySpan<byte> data, List<(string Tag, float Value)> values)
    {
        var p = 0;
        while (p < data.Length)
        {
            var key = ReadVarint(data, ref p);
            if (key >> 3 != 1 || (key & 7) != 2)
            {
                Skip(data, (int)(key & 7), ref p);
                continue;
            }
            var value = LengthDelimited(data, ref p);
            string? tag = null;
            float? simple = null;
            var q = 0;
            while (q < value.Length)
            {
                var k = ReadVarint(value, ref q);
                if (k == (1 << 3 | 2)) tag = Encoding.UTF8.GetString(LengthDelimited(value, ref q));
                else if (k == (2 << 3 | 5))
                {
                    simple = BinaryPrimitives.ReadSingleLittleEndian(value[q..]);
                    q += 4;
                }
                else Skip(value, (int)(k & 7), ref q);
            }
            if (tag is not null && simple is { } s) values.Add((tag, s));
        }
    }

    private static ReadOnlySpan<byte> LengthDelimited(ReadOnlySpan<byte> data, ref int p)
    {
        var length = (int)ReadVarint(data, ref p);
        var slice = data.Slice(p, length);
        p += length;
        return slice;
    }

    private static void Skip(ReadOnlySpan<byte> data, int wire, ref int p)
    {
        switch (wire)
        {
            case 0: ReadVarint(data, ref p); break;
            case 1: p += 8; break;
            case 2: LengthDelimited(data, ref p); break;
            case 5: p += 4; break;
            default: throw new InvalidDataException($"unknown protobuf wire type {wire}");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int p)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[p++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("varint longer than 10 bytes");
    }

    private static void WriteTag(Stream s, int field, int wire) => WriteVarint(s, (ulong)(field << 3 | wire));

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }

    private static void WriteDouble(Stream s, double value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteBytes(Stream s, int field, byte[] bytes)
    {
        WriteTag(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }
}
