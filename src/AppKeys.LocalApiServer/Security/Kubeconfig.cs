using System.Text;

namespace AppKeys.LocalApiServer.Security;

/// <summary>Renders the kubeconfig of the local server (cluster, user with a bearer token, context "local").</summary>
public static class Kubeconfig
{
    public static string Build(Uri server, string? caPem, string user, string token)
    {
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\nclusters:\n- name: local\n  cluster:\n");
        sb.Append("    server: ").Append(server.ToString().TrimEnd('/')).Append('\n');
        if (caPem is not null)
        {
            sb.Append("    certificate-authority-data: ").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem))).Append('\n');
        }
        sb.Append("users:\n- name: ").Append(user).Append("\n  user:\n    token: ").Append(token).Append('\n');
        sb.Append("contexts:\n- name: local\n  context:\n    cluster: local\n    user: ").Append(user).Append("\n    namespace: default\n");
        sb.Append("current-context: local\npreferences: {}\n");
        return sb.ToString();
    }
}
