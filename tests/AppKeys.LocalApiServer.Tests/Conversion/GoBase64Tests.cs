using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Tests.Conversion;

/// <summary>
/// Go's <c>base64.StdEncoding.DecodeString</c> (encoding/base64 decodeQuantum): what decodes, how long it is, and the
/// input byte a <c>CorruptInputError</c> names, which kube puts in "illegal base64 data at input byte N".
/// </summary>
public sealed class GoBase64Tests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("AA==", 1)]
    [InlineData("AAA=", 2)]
    [InlineData("AAAA", 3)]
    [InlineData("AAAAAA==", 4)]
    [InlineData("AA\n==", 1)]
    [InlineData("AA\r\nAAAA\n==\n", 4)]
    public void Valid_input_and_its_decoded_length(string text, long length)
    {
        Assert.True(GoBase64.TryDecodedLength(text, out var decoded, out var bad), $"error at byte {bad}");
        Assert.Equal(length, decoded);
    }

    [Theory]
    [InlineData("AA", 0)]
    [InlineData("AAA", 0)]
    [InlineData("AAAAA", 4)]
    [InlineData("AA=", 3)]
    [InlineData("A%AA", 1)]
    [InlineData("YW Jj", 2)]
    [InlineData("\tYWJj", 0)]
    [InlineData("=AAA", 0)]
    [InlineData("A=AA", 1)]
    [InlineData("AA=A", 2)]
    [InlineData("AAAA=", 4)]
    [InlineData("AA==AA==", 4)]
    [InlineData("AAA=\nx", 5)]
    [InlineData("YWJj-", 4)]
    public void Invalid_input_names_Gos_error_byte(string text, int errorByte)
    {
        Assert.False(GoBase64.TryDecodedLength(text, out _, out var bad));
        Assert.Equal(errorByte, bad);
    }
}
