namespace AppKeys.LocalApiServer.Storage.Persistence;

/// <summary>Splits a file's bytes into newline-terminated lines, keeping each line's offset.</summary>
internal static class LineFile
{
    /// <summary>Complete lines (without the newline) and the trailing fragment that has no newline (may be empty).</summary>
    public static (List<(long Offset, ReadOnlyMemory<byte> Line)> Lines, long FragmentOffset, int FragmentLength) Split(byte[] bytes)
    {
        var lines = new List<(long, ReadOnlyMemory<byte>)>();
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                lines.Add((start, bytes.AsMemory(start, i - start)));
                start = i + 1;
            }
        }
        return (lines, start, bytes.Length - start);
    }
}
