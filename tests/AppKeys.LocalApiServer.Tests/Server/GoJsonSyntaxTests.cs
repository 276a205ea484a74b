using System.Text;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>Go encoding/json scanner messages (scanner.go), which kube-apiserver passes through in decode errors.</summary>
public sealed class GoJsonSyntaxTests
{
    [Theory]
    [InlineData("{}", null)]
    [InlineData(" [1, -2.5e+3, \"a\\u00e9\\n\", true, false, null, {\"k\": []}] ", null)]
    [InlineData("", "unexpected end of JSON input")]
    [InlineData("   ", "unexpected end of JSON input")]
    [InlineData("{\"a\":1", "unexpected end of JSON input")]
    [InlineData("{bad", "invalid character 'b' looking for beginning of object key string")]
    [InlineData("{\"a\" 1}", "invalid character '1' after object key")]
    [InlineData("{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair")]
    [InlineData("{\"a\":1,}", "invalid character '}' looking for beginning of object key string")]
    [InlineData("[1 2]", "invalid character '2' after array element")]
    [InlineData("[1,]", "invalid character ']' looking for beginning of value")]
    [InlineData("{} {}", "invalid character '{' after top-level value")]
    [InlineData("'a'", "invalid character '\\'' looking for beginning of value")]
    [InlineData("tru", "unexpected end of JSON input")]
    [InlineData("trUe", "invalid character 'U' in literal true (expecting 'u')")]
    [InlineData("nul1", "invalid character '1' in literal null (expecting 'l')")]
    [InlineData("-x", "invalid character 'x' in numeric literal")]
    [InlineData("1.x", "invalid character 'x' after decimal point in numeric literal")]
    [InlineData("1ex", "invalid character 'x' in exponent of numeric literal")]
    [InlineData("01", "invalid character '1' after top-level value")]
    [InlineData("\"a\\q\"", "invalid character 'q' in string escape code")]
    [InlineData("\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape")]
    [InlineData("\"a\tb\"", "invalid character '\\t' in string literal")]
    [InlineData("\u0001", "invalid character '\\x01' looking for beginning of value")]
    public void Reports_go_scanner_errors(string json, string? expected) =>
        Assert.Equal(expected, GoJsonSyntax.Check(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("", "<empty>")]
    [InlineData("{\"a\":1}", "{\"a\":1}")]
    [InlineData("{\"metadata\":{\"name\":\"a-rather-long-name\"}}", "{\"metadata\":{\"name\":\"a-rather- ...")]
    [InlineData("[]", "0x5b5d")]
    public void Summarizes_bodies_like_kube(string body, string expected) =>
        Assert.Equal(expected, GoJsonSyntax.Summarize(Encoding.UTF8.GetBytes(body)));
}
