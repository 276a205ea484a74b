namespace AppKeys.Credentials.Tests.Guards;

/// <summary>The detectors behind the source guards, on synthetic code: they must flag what they look for, and nothing else.</summary>
public class SourceCodeTests
{
    [Theory]
    [InlineData("if (consumerSecret == other) { }")]
    [InlineData("if (other != consumerSecret) { }")]
    [InlineData("return a.Token == b.Token;")]
    [InlineData("return stored.ConsumerSecret?.Equals(presented);")]
    [InlineData("return string.Equals(accessToken, presented, StringComparison.Ordinal);")]
    [InlineData("return string.Equals(presented, accessToken);")]
    [InlineData("return bytes.SequenceEqual(tokenBytes);")]
    [InlineData("return expected.SequenceEqual(secretBytes);")]
    [InlineData("return value.Reveal() == other;")]
    [InlineData("return Encoding.UTF8.GetString(bytes) == current.Reveal();")]
    [InlineData("return requestHash != observedRequestHash;")]
    [InlineData("return status.Fingerprint == computed;")]
    [InlineData("return MemoryExtensions.SequenceEqual(password, typed);")]
    public void Comparisons_of_secret_values_are_found(string line) =>
        Assert.Equal([2], SourceCode.SecretComparisons($"// header\n{line}\n"));

    [Theory]
    [InlineData("return SecretComparer.FixedTimeEquals(consumerSecret, other);")]
    [InlineData("return CryptographicOperations.FixedTimeEquals(tokenBytes, other);")]
    [InlineData("return Hashes.Equal(requestHash, observed);")]
    [InlineData("var jwt = application.TokenType == TokenTypes.Jwt;")]
    [InlineData("if (jwt.TokenType != AccessTokenType.Jwt) { }")]
    [InlineData("if (status.TokenId != issued.TokenId) { }")]
    [InlineData("if (tokens.Count == 0) { }")]
    [InlineData("if (secret.Metadata.Name == name) { }")]
    [InlineData("if (spec.SecretName != oldSecretName) { }")]
    [InlineData("if (consumerSecret == null || token != default) { }")]
    [InlineData("if (secretLength == 43 && signatureLength != key.SignatureSize) { }")]
    [InlineData("if (cancellationToken == CancellationToken.None) { }")]
    [InlineData("if (tok == Token.DoesNotExist) { }")]
    [InlineData("if (kind == \"Secret\") { }")]
    [InlineData("// never compare consumerSecret == other")]
    [InlineData("var message = \"the token == the secret\";")]
    [InlineData("var f = (string token) => token.Length > 0;")]
    public void Other_comparisons_are_not(string line) =>
        Assert.Empty(SourceCode.SecretComparisons(line));

    [Fact]
    public void Blanking_keeps_code_and_line_breaks()
    {
        const string Code = "var a = \"x == y\"; // c\n/* b\n b */ var z = 'q';";

        Assert.Equal("var a = \"      \";     \n    \n      var z = ' ';", SourceCode.WithoutCommentsAndStrings(Code));
    }
}
