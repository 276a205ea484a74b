using System.Text;

namespace AppKeys.LocalApiServer.GoCompat;

/// <summary>
/// Go's <c>base64.StdEncoding.DecodeString</c>, which decodes the <c>[]byte</c> fields of kube's typed objects (Secret
/// data, ConfigMap binaryData) and checks the <c>byte</c> format: padding required, <c>\r</c> and <c>\n</c> skipped
/// anywhere, nothing else tolerated (.NET's decoder also skips spaces and tabs). On failure it reports the input byte
/// Go's <c>CorruptInputError</c> names.
/// </summary>
public static class GoBase64
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>True when <paramref name="text"/> decodes; <paramref name="errorByte"/> is Go's error offset otherwise.</summary>
    public static bool TryDecodedLength(string text, out long decodedLength, out int errorByte)
    {
        var src = Encoding.UTF8.GetBytes(text);
        decodedLength = 0;
        errorByte = -1;
        var si = 0;
        while (si < src.Length)
        {
            var (next, n, error) = DecodeQuantum(src, si);
            si = next;
            decodedLength += n;
            if (error >= 0)
            {
                errorByte = error;
                return false;
            }
        }
        return true;
    }

    // decodeQuantum of Go's encoding/base64 (StdEncoding: padding '=', not strict): returns the next input offset, the
    // bytes decoded and the error offset (-1 for none).
    private static (int Next, int Decoded, int Error) DecodeQuantum(byte[] src, int si)
    {
        var dlen = 4;
        for (var j = 0; j < 4; j++)
        {
            if (si == src.Length)
            {
                if (j == 0)
                {
                    return (si, 0, -1);
                }
                return (si, 0, si - j);
            }
            var c = src[si++];
            if (c < 128 && Alphabet.Contains((char)c, StringComparison.Ordinal))
            {
                continue;
            }
            if (c is (byte)'\n' or (byte)'\r')
            {
                j--;
                continue;
            }
            if (c != (byte)'=')
            {
                return (si, 0, si - 1);
            }
            // Padding: only after two or three symbols.
            if (j is 0 or 1)
            {
                return (si, 0, si - 1);
            }
            if (j == 2)
            {
                while (si < src.Length && src[si] is (byte)'\n' or (byte)'\r')
                {
                    si++;
                }
                if (si == src.Length)
                {
                    return (si, 0, src.Length);
                }
                if (src[si] != (byte)'=')
                {
                    return (si, 0, si - 1);
                }
                si++;
            }
            while (si < src.Length && src[si] is (byte)'\n' or (byte)'\r')
            {
                si++;
            }
            dlen = j;
            if (si < src.Length)
            {
                // Trailing garbage after the padding.
                return (si, dlen - 1, si);
            }
            break;
        }
        return (si, dlen - 1, -1);
    }
}
