using AppKeys.Credentials;
using AppKeys.Operator.Hosting;

namespace AppKeys.Operator.Tests.Hosting;

public class OperatorCommandLineTests
{
    private static OperatorOptions Parse(string[] args, Dictionary<string, string>? env = null) =>
        OperatorCommandLine.Parse(args, name => env?.GetValueOrDefault(name));

    [Fact]
    public void Defaults()
    {
        var o = Parse([]);
        Assert.Equal("appkeys-system", o.Namespace);
        Assert.Empty(o.WatchNamespaces);
        Assert.True(o.LeaderElect);
        Assert.Equal(8080, o.HttpPort);
        Assert.Equal(SigningKeyAlgorithm.ES256, o.SigningAlgorithm);
        Assert.Equal(OperatorOptions.DefaultIssuer, o.Issuer);
        Assert.Empty(o.Audiences);
        Assert.Equal((50, 100, 2), (o.Qps, o.Burst, o.Workers));
        Assert.Null(o.Kubeconfig);
        Assert.Null(o.Identity);
        Assert.Equal((TimeSpan.FromDays(30), TimeSpan.FromHours(1)), (o.SigningKeyRotationPeriod, o.SigningKeyPrepublish));
        Assert.Null(o.SigningKeyNeverExpiringOverlap);
        Assert.Equal(TimeSpan.FromDays(30), o.ToSigningKeySettings().NeverExpiringOverlap);
    }

    [Fact]
    public void Signing_key_schedule()
    {
        var o = Parse(["--signing-key-rotation-period", "7d", "--signing-key-prepublish=1h30m", "--signing-key-never-expiring-overlap", "48h", "--signing-algorithm", "RS256"]);
        var s = o.ToSigningKeySettings();
        Assert.Equal(TimeSpan.FromDays(7), s.RotationPeriod);
        Assert.Equal(TimeSpan.FromMinutes(90), s.Prepublish);
        Assert.Equal(TimeSpan.FromHours(48), s.NeverExpiringOverlap);
        Assert.Equal(SigningKeyAlgorithm.RS256, s.Algorithm);
        Assert.Equal(TimeSpan.FromDays(7), Parse(["--signing-key-rotation-period", "168h"]).ToSigningKeySettings().NeverExpiringOverlap);
    }

    [Theory]
    [InlineData("--signing-key-rotation-period", "30m", "--signing-key-rotation-period")]
    [InlineData("--signing-key-rotation-period", "month", "--signing-key-rotation-period")]
    [InlineData("--signing-key-prepublish", "30s", "--signing-key-prepublish")]
    [InlineData("--signing-key-prepublish", "-1h", "--signing-key-prepublish")]
    [InlineData("--signing-key-prepublish", "31d", "--signing-key-prepublish must be shorter than --signing-key-rotation-period")]
    [InlineData("--signing-key-never-expiring-overlap", "1m", "--signing-key-never-expiring-overlap")]
    [InlineData("--signing-key-never-expiring-overlap", "1h2", "--signing-key-never-expiring-overlap")]
    public void Bad_signing_key_schedule_names_the_flag(string flag, string value, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => Parse([flag, value])).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("20m", 1200)]
    [InlineData("1h30m", 5400)]
    [InlineData("720h", 2592000)]
    [InlineData("30d", 2592000)]
    [InlineData("1.5h", 5400)]
    public void Durations(string text, int seconds)
    {
        Assert.True(DurationSyntax.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
        Assert.True(DurationSyntax.TryParse(DurationSyntax.Format(value), out var again));
        Assert.Equal(value, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("1e3s")]
    public void Bad_durations(string text) => Assert.False(DurationSyntax.TryParse(text, out _));

    [Fact]
    public void Flags_override_environment()
    {
        var env = new Dictionary<string, string> { ["POD_NAMESPACE"] = "from-env", ["WATCH_NAMESPACES"] = "a,b", ["APPKEYS_ISSUER"] = "https://env", ["APPKEYS_AUDIENCE"] = "e1,e2", ["POD_NAME"] = "pod-1" };
        var fromEnv = Parse([], env);
        Assert.Equal(("from-env", "https://env", "pod-1"), (fromEnv.Namespace, fromEnv.Issuer, fromEnv.Identity));
        Assert.Equal(["a", "b"], fromEnv.WatchNamespaces);
        Assert.Equal(["e1", "e2"], fromEnv.Audiences);

        var o = Parse(["--namespace", "ops", "--watch-namespaces=x, y", "--leader-elect", "false", "--http-port", "9090", "--signing-algorithm", "rs256", "--issuer", "https://i", "--audience", "a1,a2", "--audience=a3", "--qps", "5.5", "--burst", "10", "--workers", "4", "--kubeconfig", "/k"], env);
        Assert.Equal("ops", o.Namespace);
        Assert.Equal(["x", "y"], o.WatchNamespaces);
        Assert.False(o.LeaderElect);
        Assert.Equal(9090, o.HttpPort);
        Assert.Equal(SigningKeyAlgorithm.RS256, o.SigningAlgorithm);
        Assert.Equal("https://i", o.Issuer);
        Assert.Equal(["a1", "a2", "a3"], o.Audiences);
        Assert.Equal((5.5, 10, 4), (o.Qps, o.Burst, o.Workers));
        Assert.Equal("/k", o.Kubeconfig);
    }

    [Fact]
    public void Bare_leader_elect_means_true() => Assert.True(Parse(["--leader-elect", "--workers", "3"]).LeaderElect);

    [Theory]
    [InlineData("--nope")]
    [InlineData("--http-port", "70000")]
    [InlineData("--http-port", "eighty")]
    [InlineData("--workers", "0")]
    [InlineData("--signing-algorithm", "HS256")]
    [InlineData("--qps", "-1")]
    [InlineData("--qps", "fast")]
    [InlineData("--issuer", "")]
    [InlineData("--namespace")]
    [InlineData("positional")]
    public void Invalid_flags_are_refused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => Parse(args));

    [Fact]
    public void An_error_names_the_flag()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(["--workers", "0"]));
        Assert.Contains("--workers", e.Message, StringComparison.Ordinal);
    }
}
