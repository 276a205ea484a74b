using AppKeys.Credentials;
using AppKeys.Operator.Hosting;

namespace AppKeys.Operator.Tests.Hosting;

public class OperatorOptionsParserTests
{
    private static OperatorOptions Parse(string[] args, Dictionary<string, string>? env = null) =>
        OperatorOptionsParser.Parse(args, name => env?.GetValueOrDefault(name));

    [Fact]
    public void Defaults()
    {
        var o = Parse([]);
        Assert.False(o.Local);
        Assert.Equal("appkeys-system", o.Namespace);
        Assert.Empty(o.WatchNamespaces);
        Assert.True(o.LeaderElect);
        Assert.Equal(8080, o.HttpPort);
        Assert.Equal(SigningKeyAlgorithm.ES256, o.SigningAlgorithm);
        Assert.Equal(OperatorOptions.DefaultIssuer, o.Issuer);
        Assert.Empty(o.Audiences);
        Assert.Equal((50, 100, 2), (o.Qps, o.Burst, o.Workers));
        Assert.Null(o.LocalDataDirectory);
    }

    [Fact]
    public void Local_rbac_is_a_switch()
    {
        Assert.False(Parse(["--local"]).LocalRbac);
        Assert.True(Parse(["--local", "--local-rbac"]).LocalRbac);
        Assert.False(Parse(["--local", "--local-rbac=false"]).LocalRbac);
    }

    [Fact]
    public void Local_data_dir_keeps_the_local_servers_state() =>
        Assert.Equal(".local/data", Parse(["--local", "--local-data-dir", ".local/data"]).LocalDataDirectory);

    [Fact]
    public void Flags_override_environment()
    {
        var env = new Dictionary<string, string> { ["POD_NAMESPACE"] = "from-env", ["WATCH_NAMESPACES"] = "a,b", ["APPKEYS_ISSUER"] = "https://env", ["POD_NAME"] = "pod-1" };
        var fromEnv = Parse([], env);
        Assert.Equal(("from-env", "https://env", "pod-1"), (fromEnv.Namespace, fromEnv.Issuer, fromEnv.Identity));
        Assert.Equal(["a", "b"], fromEnv.WatchNamespaces);

        var o = Parse(["--local", "--namespace", "ops", "--watch-namespaces=x, y", "--leader-elect", "false", "--http-port", "9090", "--signing-algorithm", "rs256", "--issuer", "https://i", "--audience", "a1,a2", "--audience=a3", "--qps", "5.5", "--burst", "10", "--workers", "4", "--kubeconfig", "/k"], env);
        Assert.True(o.Local);
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
    public void Bare_leader_elect_means_true() => Assert.True(Parse(["--leader-elect", "--local"]).LeaderElect);

    [Theory]
    [InlineData("--nope")]
    [InlineData("--http-port", "70000")]
    [InlineData("--workers", "0")]
    [InlineData("--signing-algorithm", "HS256")]
    [InlineData("--qps", "-1")]
    [InlineData("--issuer", "")]
    [InlineData("--local-data-dir", "")]
    [InlineData("--namespace")]
    [InlineData("positional")]
    public void Invalid_flags_are_refused(params string[] args) =>
        Assert.Throws<ArgumentException>(() => Parse(args));
}
