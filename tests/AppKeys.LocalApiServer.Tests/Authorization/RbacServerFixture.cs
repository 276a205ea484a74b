using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Security;
using AppKeys.LocalApiServer.Tests.Server;
using k8s;

namespace AppKeys.LocalApiServer.Tests.Authorization;

/// <summary>A server with RBAC enforcement on, plus helpers to act as a ServiceAccount.</summary>
public class RbacServerFixture : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("appkeys-rbac-").FullName;

    public ApiServerFixture Admin { get; } = new();

    public async Task InitializeAsync()
    {
        Admin.Options.Authorization = AuthorizationMode.Rbac;
        Configure(Admin.Options);
        await Admin.InitializeAsync();
    }

    /// <summary>Further options of the server, before it starts.</summary>
    protected virtual void Configure(LocalApiServerOptions options)
    {
    }

    /// <summary>A kubeconfig file for <paramref name="user"/> with a fresh token.</summary>
    public string KubeconfigFor(string user)
    {
        var token = Admin.Server.IssueToken(user);
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".kubeconfig");
        File.WriteAllText(path, Kubeconfig.Build(Admin.Server.BaseAddress, Admin.Server.CertificateAuthorityPem, user, token));
        return path;
    }

    public Kubernetes ClientFor(string user) =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigFor(user)));

    public HttpClient HttpFor(string user) => Admin.CreateHttpClient(Admin.Server.IssueToken(user));

    public async Task DisposeAsync()
    {
        await Admin.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }
}
