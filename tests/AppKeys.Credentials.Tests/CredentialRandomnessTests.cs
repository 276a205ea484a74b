using System.Buffers.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Credentials.Tests;

/// <summary>
/// Statistical sanity of every random credential (consumer keys, consumer secrets, opaque tokens, JWT ids): 10,000
/// draws are distinct, their symbols are uniform over the alphabet (chi-square), and the entropy per credential is what
/// docs/credentials.md claims. These cannot prove a CSPRNG (the source guards do that); they catch a broken one.
/// <para>
/// Flakiness: each chi-square statistic must fall inside bounds whose tail probabilities under a uniform source were
/// computed from the exact chi-square distribution (regularized incomplete gamma). The upper bounds are at most 6e-13
/// and the lower bounds (which catch a too-regular source, such as a counter) at most 2e-11 per check, so the whole
/// class fails by chance with probability below 1e-10, well under the 1e-9 we allow.
/// </para>
/// </summary>
public partial class CredentialRandomnessTests
{
    private const int Draws = 10_000;

    /// <summary>The base64url alphabet, in encoding order.</summary>
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static TheoryData<string> SecretKinds => new() { "consumer secret", "opaque token" };

    [Fact]
    public void Consumer_keys_are_distinct_uniform_over_the_alphabet_and_carry_167_bits()
    {
        var keys = Enumerable.Range(0, Draws).Select(_ => ConsumerCredentialGenerator.GenerateConsumerKey()).ToList();
        var alphabet = ConsumerCredentialGenerator.ConsumerKeyAlphabet;

        Assert.Equal(Draws, keys.Distinct(StringComparer.Ordinal).Count());
        var all = Count(keys.SelectMany(k => k), alphabet);

        // 280,000 draws over 63 symbols, df = 62: P(X² > 200) = 2.0e-16, P(X² < 12) = 4.9e-13.
        Assert.InRange(ChiSquare(all), 12, 200);

        // Every position on its own (10,000 draws each, df = 62): P(X² > 200) = 2.0e-16 per position.
        for (var position = 0; position < ConsumerCredentialGenerator.ConsumerKeyLength; position++)
        {
            Assert.InRange(ChiSquare(Count(keys.Select(k => k[position]), alphabet)), 0, 200);
        }

        // The plug-in entropy falls short of log2(63) by about X² / (2 N ln 2) < 200 / (2 × 280,000 × 0.69) = 5.2e-4 bits.
        var perSymbol = Math.Log2(alphabet.Length);
        Assert.InRange(Entropy(all), perSymbol - 0.001, perSymbol);
        Assert.Equal(167, (int)Math.Floor(ConsumerCredentialGenerator.ConsumerKeyLength * Entropy(all)));
    }

    [Theory]
    [MemberData(nameof(SecretKinds))]
    public void Secrets_and_opaque_tokens_are_distinct_uniform_and_carry_256_bits(string kind)
    {
        Func<SecretValue> generate = kind == "consumer secret" ? ConsumerCredentialGenerator.GenerateConsumerSecret : OpaqueTokenGenerator.Generate;
        var values = Enumerable.Range(0, Draws).Select(_ => generate().Reveal()).ToList();

        Assert.Equal(Draws, values.Distinct(StringComparer.Ordinal).Count());
        Assert.All(values, v => Assert.Equal(43, v.Length));

        // The first 42 characters carry 6 random bits each: 420,000 draws over 64 symbols, df = 63:
        // P(X² > 200) = 3.6e-16, P(X² < 12) = 2.1e-13.
        Assert.InRange(ChiSquare(Count(values.SelectMany(v => v[..42]), Base64UrlAlphabet)), 12, 200);

        // The 43rd carries the last 4 bits (its 2 low bits are zero): 16 symbols, df = 15: P(X² > 100) = 1.3e-14.
        var lastSymbols = string.Concat(Base64UrlAlphabet.Where((_, i) => i % 4 == 0));
        Assert.InRange(ChiSquare(Count(values.Select(v => v[^1]), lastSymbols)), 0, 100);

        // The decoded bytes: 320,000 draws over 256 values, df = 255: P(X² > 450) = 5.8e-13, P(X² < 120) = 2.5e-14.
        // The entropy shortfall is then below 450 / (2 × 320,000 × 0.69) = 1.0e-3 bits a byte.
        var bytes = values.SelectMany(v => Base64Url.DecodeFromChars(v)).ToList();
        Assert.Equal(Draws * 32, bytes.Count);
        var byteCounts = new int[256];
        bytes.ForEach(b => byteCounts[b]++);
        Assert.InRange(ChiSquare(byteCounts), 120, 450);
        Assert.InRange(Entropy(byteCounts), 8 - 0.002, 8);
        Assert.Equal(256, (int)Math.Round(32 * Entropy(byteCounts)));
    }

    [Fact]
    public void Jwt_ids_are_distinct_random_version_4_uuids()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero));
        using var key = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, time);
        var issuer = new JwtTokenIssuer(time);
        var ids = Enumerable.Range(0, Draws).Select(_ => issuer.Issue(TestRequests.Create(key)).TokenId).ToList();

        Assert.Equal(Draws, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.Matches(Uuid4(), id));

        // 30 hex digits of each id are fully random (the version digit is 4, the variant digit holds 2 random bits):
        // 300,000 draws over 16 symbols, df = 15: P(X² > 100) = 1.3e-14, P(X² < 0.25) = 1.1e-11.
        var random = ids.SelectMany(id => id.Replace("-", "", StringComparison.Ordinal).Where((_, i) => i is not (12 or 16)));
        Assert.InRange(ChiSquare(Count(random, "0123456789abcdef")), 0.25, 100);
    }

    [Fact]
    public void The_entropy_claims_in_the_docs_match_the_generators()
    {
        var docs = File.ReadAllText(RepositoryRoot.Combine("docs", "credentials.md"));

        Assert.Equal(167, (int)Math.Round(ConsumerCredentialGenerator.ConsumerKeyLength * Math.Log2(ConsumerCredentialGenerator.ConsumerKeyAlphabet.Length)));
        Assert.Contains(
            $"| exactly {ConsumerCredentialGenerator.ConsumerKeyLength} chars of `[A-Za-z0-9_]` (WSO2's format) | {ConsumerCredentialGenerator.ConsumerKeyLength} × log2 {ConsumerCredentialGenerator.ConsumerKeyAlphabet.Length} ≈ 167 bits |",
            docs,
            StringComparison.Ordinal);
        Assert.Contains($"| Consumer secret | {ConsumerCredentialGenerator.ConsumerSecretLength} chars unpadded base64url ({ConsumerCredentialGenerator.ConsumerSecretBytes} random bytes) | {ConsumerCredentialGenerator.ConsumerSecretBytes * 8} bits |", docs, StringComparison.Ordinal);
        Assert.Contains($"| Opaque access token | {OpaqueTokenGenerator.TokenLength} chars unpadded base64url ({OpaqueTokenGenerator.TokenBytes} random bytes) | {OpaqueTokenGenerator.TokenBytes * 8} bits |", docs, StringComparison.Ordinal);
        Assert.Equal(256, ConsumerCredentialGenerator.ConsumerSecretBytes * 8);
        Assert.Equal(256, OpaqueTokenGenerator.TokenBytes * 8);
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Uuid4();

    /// <summary>How often each symbol of <paramref name="alphabet"/> occurs (a symbol outside it fails the test).</summary>
    private static int[] Count(IEnumerable<char> symbols, string alphabet)
    {
        var counts = new int[alphabet.Length];
        foreach (var symbol in symbols)
        {
            var index = alphabet.IndexOf(symbol, StringComparison.Ordinal);
            Assert.True(index >= 0, "a symbol outside the alphabet");
            counts[index]++;
        }

        return counts;
    }

    /// <summary>Pearson's X² of <paramref name="counts"/> against the uniform distribution.</summary>
    private static double ChiSquare(int[] counts)
    {
        var expected = (double)counts.Sum() / counts.Length;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    /// <summary>Plug-in Shannon entropy of the observed frequencies, in bits a symbol.</summary>
    private static double Entropy(int[] counts)
    {
        double total = counts.Sum();
        return -counts.Where(c => c > 0).Sum(c => c / total * Math.Log2(c / total));
    }
}
