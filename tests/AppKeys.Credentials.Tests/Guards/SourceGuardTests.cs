namespace AppKeys.Credentials.Tests.Guards;

/// <summary>
/// Guards over every C# file under <c>src/</c>: credentials come only from the CSPRNG (System.Random and the wall clock
/// are banned APIs in the product's code, BannedSymbols.txt), and secrets are only compared in constant time (through <see cref="SecretComparer"/> or <c>CryptographicOperations.FixedTimeEquals</c>).
/// </summary>
public class SourceGuardTests
{
    /// <summary>
    /// Where the product's code may call a banned API (BannedSymbols.txt, RS0030), and why; a new exception anywhere
    /// else fails, and so does an entry here that no longer has one (the list stays exact).
    /// </summary>
    private static readonly Dictionary<string, string> BannedApiExceptions = new(StringComparer.Ordinal)
    {
        ["src/AppKeys.Runtime/LeaderElection/LeaderElector.cs"] = "jitter of lease retries",
        ["src/AppKeys.Runtime/Informers/Informer{T}.cs"] = "jitter of watch timeouts and reconnect backoff",
    };

    private static readonly string[] ProductProjects =
    [
        "src/AppKeys.Operator/AppKeys.Operator.csproj",
        "src/AppKeys.Operator.Host/AppKeys.Operator.Host.csproj",
        "src/AppKeys.Runtime/AppKeys.Runtime.csproj",
        "src/AppKeys.Credentials/AppKeys.Credentials.csproj",
    ];

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
    public void The_banned_API_list_names_the_CSPRNG_and_clock_rules()
    {
        var banned = File.ReadAllLines(RepositoryRoot.Combine("BannedSymbols.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal))
            .Select(l => l.Split(';')[0])
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("T:System.Random", banned);
        Assert.Contains("P:System.DateTime.UtcNow", banned);
        Assert.Contains("P:System.DateTimeOffset.UtcNow", banned);
        Assert.Contains("M:System.Threading.Tasks.Task.Delay(System.TimeSpan,System.Threading.CancellationToken)", banned);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public async Task Every_product_project_builds_with_the_banned_API_analyzer(string project)
    {
        // What MSBuild evaluates for the project: the analyzer package and the list it reads.
        var result = (await ProcessRunner.RunAsync("dotnet",
            ["msbuild", RepositoryRoot.Combine(project), "-getItem:PackageReference", "-getItem:AdditionalFiles", "-getProperty:TreatWarningsAsErrors"],
            timeout: TimeSpan.FromMinutes(2))).EnsureSuccess();
        var items = System.Text.Json.JsonDocument.Parse(result.StdOut).RootElement;

        Assert.Equal("true", items.GetProperty("Properties").GetProperty("TreatWarningsAsErrors").GetString());
        Assert.Contains(items.GetProperty("Items").GetProperty("PackageReference").EnumerateArray(),
            p => p.GetProperty("Identity").GetString() == "Microsoft.CodeAnalysis.BannedApiAnalyzers");
        Assert.Contains(items.GetProperty("Items").GetProperty("AdditionalFiles").EnumerateArray(),
            f => f.GetProperty("FullPath").GetString() == RepositoryRoot.Combine("BannedSymbols.txt"));
    }

    public static TheoryData<string> Projects() => [.. ProductProjects];

    [Fact]
    public void Banned_API_exceptions_are_the_listed_ones()
    {
        var files = SourceCode.SourceFiles()
            .Where(f => ProductProjects.Any(p => f.StartsWith(Path.GetDirectoryName(p)! + "/", StringComparison.Ordinal)))
            .Where(f => SourceCode.Read(f).Split('\n').Any(l => l.TrimStart().StartsWith("#pragma warning disable", StringComparison.Ordinal) && l.Contains("RS0030", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);

        Assert.Equal(BannedApiExceptions.Keys.Order(StringComparer.Ordinal), files);
        Assert.DoesNotContain(BannedApiExceptions.Keys, f => f.StartsWith("src/AppKeys.Credentials/", StringComparison.Ordinal) || f.StartsWith("src/AppKeys.Operator/", StringComparison.Ordinal));
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
