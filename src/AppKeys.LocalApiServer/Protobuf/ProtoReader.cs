using System.Text;

namespace AppKeys.LocalApiServer.Protobuf;

/// <summary>A minimal protobuf wire-format reader (varint, 64-bit, length-delimited, 32-bit fields).</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> data;
    private int pos;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        this.data = data;
        pos = 0;
    }

    public readonly bool End => pos >= data.Length;

    /// <summary>Reads the next field tag; false at the end.</summary>
    public bool Next(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (End)
        {
            return false;
        }
        var tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new FormatException("truncated varint");
            }
            var b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new FormatException("varint too long");
    }

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = (int)ReadVarint();
        if (length < 0 || pos + length > data.Length)
        {
            throw new FormatException("truncated length-delimited field");
        }
        var slice = data.Slice(pos, length);
        pos += length;
        return slice;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                pos += 8;
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                pos += 4;
                break;
            default:
                throw new FormatException($"unsupported wire type {wireType}");
        }
        if (pos > data.Length)
        {
            throw new FormatException("truncated field");
        }
    }
}
