namespace AppKeys.Credentials.Tests.Guards;

/// <summary>
/// Guards over every C# file under <c>src/</c>: credentials come only from the CSPRNG, and secrets are only compared
/// in constant time (through <see cref="SecretComparer"/> or <c>CryptographicOperations.FixedTimeEquals</c>).
/// </summary>
public class SourceGuardTests
{
    /// <summary>
    /// The only files allowed <see cref="System.Random"/>, none of which touch credentials; a new use anywhere else
    /// fails, and so does an entry here that no longer uses it (the list stays exact).
    /// </summary>
    private static readonly Dictionary<string, string> RandomAllowed = new(StringComparer.Ordinal)
    {
        ["src/AppKeys.Runtime/LeaderElection/LeaderElector.cs"] = "jitter of lease retries",
        ["src/AppKeys.Runtime/Informers/Informer{T}.cs"] = "jitter of watch timeouts and reconnect backoff",
        ["src/AppKeys.LocalApiServer/Faults/FaultInjector.cs"] = "seeded, reproducible fault injection in the local API server",
    };

    [Fact]
    public void The_guards_see_the_credential_sources()
    {
        var files = SourceCode.SourceFiles();

        Assert.Contains("src/AppKeys.Credentials/ConsumerCredentialGenerator.cs", files);
        Assert.Contains("src/AppKeys.Credentials/OpaqueTokenGenerator.cs", files);
        Assert.Contains("src/AppKeys.Credentials/JwtTokenIssuer.cs", files);
        Assert.Contains("src/AppKeys.Operator/Controllers/Applications/ApplicationReconciler.cs", files);
        Assert.DoesNotContain(files, f => f.Contains("/obj/", StringComparison.Ordinal));
    }

    [Fact]
    public void No_source_uses_System_Random_outside_the_jitter_and_fault_injection_files()
    {
        var uses = SourceCode.SourceFiles()
            .Select(f => (File: f, Lines: SourceCode.RandomUses(SourceCode.Read(f))))
            .Where(u => u.Lines.Count > 0)
            .ToList();

        var forbidden = uses.Where(u => !RandomAllowed.ContainsKey(u.File)).Select(u => $"{u.File}:{string.Join(",", u.Lines)}");
        Assert.True(!forbidden.Any(), "System.Random is not a CSPRNG; use RandomNumberGenerator: " + string.Join("; ", forbidden));
        Assert.Equal(RandomAllowed.Keys.Order(StringComparer.Ordinal), uses.Select(u => u.File).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(RandomAllowed.Keys, f => f.StartsWith("src/AppKeys.Credentials/", StringComparison.Ordinal) || f.StartsWith("src/AppKeys.Operator/", StringComparison.Ordinal));
    }

    [Fact]
    public void The_generators_draw_from_RandomNumberGenerator()
    {
        var generator = SourceCode.WithoutCommentsAndStrings(SourceCode.Read("src/AppKeys.Credentials/ConsumerCredentialGenerator.cs"));
        var opaque = SourceCode.WithoutCommentsAndStrings(SourceCode.Read("src/AppKeys.Credentials/OpaqueTokenGenerator.cs"));
        var jwt = SourceCode.WithoutCommentsAndStrings(SourceCode.Read("src/AppKeys.Credentials/JwtTokenIssuer.cs"));

        Assert.Contains("RandomNumberGenerator.GetString(ConsumerKeyAlphabet, ConsumerKeyLength)", generator, StringComparison.Ordinal);
        Assert.Contains("RandomNumberGenerator.Fill(bytes)", generator, StringComparison.Ordinal);
        Assert.Contains("ConsumerCredentialGenerator.RandomBase64Url(TokenBytes)", opaque, StringComparison.Ordinal);

        // The jti: Guid.NewGuid draws version 4 UUIDs from the OS CSPRNG on every platform .NET supports.
        Assert.Contains("Guid.NewGuid()", jwt, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_plans_credentials_with_the_CSPRNG_generators()
    {
        // The credentials planner takes its generators as CredentialSources (tables test it with fixed values); every
        // CredentialSources the product builds must hold the CSPRNG ones.
        var calls = SourceCode.SourceFiles()
            .Where(f => f.StartsWith("src/", StringComparison.Ordinal))
            .Select(f => SourceCode.WithoutCommentsAndStrings(SourceCode.Read(f)))
            .SelectMany(code => System.Text.RegularExpressions.Regex.Matches(code, @"(new CredentialSources|CredentialSources\s+\w+\s*=\s*new)\((?<args>[^;]*)\);"))
            .Select(m => m.Groups["args"].Value)
            .ToList();

        Assert.NotEmpty(calls);
        Assert.All(calls, args => Assert.Matches(@"(^|,)\s*ConsumerCredentialGenerator\.GenerateConsumerKey,\s*ConsumerCredentialGenerator\.GenerateConsumerSecret\s*(,|$)", args));
    }

    [Fact]
    public void No_source_compares_secrets_tokens_or_hashes_with_a_short_circuiting_comparison()
    {
        var found = SourceCode.SourceFiles()
            .Select(f => (File: f, Lines: SourceCode.SecretComparisons(SourceCode.Read(f))))
            .Where(u => u.Lines.Count > 0)
            .Select(u => $"{u.File}:{string.Join(",", u.Lines)}")
            .ToList();

        Assert.True(found.Count == 0, "compare secret values with SecretComparer.FixedTimeEquals: " + string.Join("; ", found));
    }

    [Fact]
    public void Secret_comparisons_in_the_operator_go_through_the_constant_time_helpers()
    {
        // The places that compare secret material today; each must keep using a constant-time helper.
        Assert.Contains("SecretComparer.FixedTimeEquals(", Code("src/AppKeys.Operator/Controllers/ApplicationKeys/KeyPlanner.cs"), StringComparison.Ordinal);
        Assert.Contains("SecretComparer.FixedTimeEquals(", Code("src/AppKeys.Operator/Controllers/Hashes.cs"), StringComparison.Ordinal);
        Assert.Contains("CryptographicOperations.FixedTimeEquals(", Code("src/AppKeys.Operator/Controllers/SecretDiff.cs"), StringComparison.Ordinal);
        Assert.Contains("CryptographicOperations.FixedTimeEquals(", Code("src/AppKeys.Credentials/SecretComparer.cs"), StringComparison.Ordinal);
    }

    private static string Code(string path) => SourceCode.WithoutCommentsAndStrings(SourceCode.Read(path));
}
