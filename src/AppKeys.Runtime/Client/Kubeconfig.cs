using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Authentication;
using k8s.Exceptions;
using YamlDotNet.RepresentationModel;

namespace AppKeys.Runtime.Client;

/// <summary>
/// Client settings from kubeconfig files or the pod's ServiceAccount, without reflection: the YAML is read as a node
/// tree (YamlDotNet's representation model) and mapped by hand. Replaces <c>KubernetesClientConfiguration</c>'s
/// <c>BuildConfigFromConfigFile</c>/<c>BuildDefaultConfig</c>, whose object mapping cannot be compiled ahead of time.
/// </summary>
/// <remarks>
/// Supported: the current (or a named) context; its cluster's <c>server</c>, <c>certificate-authority(-data)</c>,
/// <c>insecure-skip-tls-verify</c>, <c>tls-server-name</c>; its user's <c>token</c>, <c>tokenFile</c>,
/// <c>client-certificate(-data)</c> / <c>client-key(-data)</c>, <c>username</c>/<c>password</c>; the context's
/// namespace; several files in <c>KUBECONFIG</c> merged as kubectl does (the first occurrence of a name wins).
/// Credential plugins (<c>exec</c>) and <c>auth-provider</c> are refused with a message saying so: an operator runs
/// in-cluster, and a token or client certificate kubeconfig serves a run outside.
/// </remarks>
public static class Kubeconfig
{
    /// <summary>Settings from the kubeconfig file at <paramref name="path"/>, for <paramref name="context"/> or its current context.</summary>
    /// <exception cref="KubeConfigException">The file is not a usable kubeconfig (the message says why, never a credential).</exception>
    public static KubernetesClientConfiguration FromFile(string path, string? context = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromFiles([path], context);
    }

    /// <summary>
    /// What a client in a pod or a shell would use: the files in <c>KUBECONFIG</c> (merged), else
    /// <c>~/.kube/config</c>, else the pod's ServiceAccount (in-cluster).
    /// </summary>
    public static KubernetesClientConfiguration Default()
    {
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } list)
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(File.Exists)
                .ToList();
            if (files.Count > 0)
            {
                return FromFiles(files, null);
            }
        }

        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (File.Exists(home))
        {
            return FromFile(home);
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : throw new KubeConfigException("no kubeconfig (KUBECONFIG, ~/.kube/config) and not in a cluster (no ServiceAccount token mounted)");
    }

    /// <summary>Settings from several kubeconfig files merged (first occurrence of a name, and of current-context, wins).</summary>
    public static KubernetesClientConfiguration FromFiles(IReadOnlyList<string> paths, string? context)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var clusters = new Dictionary<string, (YamlMappingNode Node, string Directory)>(StringComparer.Ordinal);
        var users = new Dictionary<string, (YamlMappingNode Node, string Directory)>(StringComparer.Ordinal);
        var contexts = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        string? current = null;
        foreach (var path in paths)
        {
            var full = Path.GetFullPath(path);
            var root = Parse(full);
            var directory = Path.GetDirectoryName(full)!;
            current ??= Scalar(root, "current-context") is { Length: > 0 } c ? c : null;
            Collect(root, "clusters", "cluster", full, entry => clusters.TryAdd(entry.Name, (entry.Body, directory)));
            Collect(root, "users", "user", full, entry => users.TryAdd(entry.Name, (entry.Body, directory)));
            Collect(root, "contexts", "context", full, entry => contexts.TryAdd(entry.Name, entry.Body));
        }

        var name = context ?? current ?? throw new KubeConfigException("the kubeconfig names no current-context");
        if (!contexts.TryGetValue(name, out var ctx))
        {
            throw new KubeConfigException($"context '{name}' is not in the kubeconfig");
        }

        var clusterName = Scalar(ctx, "cluster") ?? throw new KubeConfigException($"context '{name}' names no cluster");
        if (!clusters.TryGetValue(clusterName, out var cluster))
        {
            throw new KubeConfigException($"cluster '{clusterName}' of context '{name}' is not in the kubeconfig");
        }

        var config = new KubernetesClientConfiguration
        {
            Namespace = Scalar(ctx, "namespace"),
        };
        ApplyCluster(config, clusterName, cluster.Node, cluster.Directory);
        if (Scalar(ctx, "user") is { Length: > 0 } userName)
        {
            if (!users.TryGetValue(userName, out var user))
            {
                throw new KubeConfigException($"user '{userName}' of context '{name}' is not in the kubeconfig");
            }

            ApplyUser(config, userName, user.Node, user.Directory);
        }

        return config;
    }

    private static void ApplyCluster(KubernetesClientConfiguration config, string name, YamlMappingNode cluster, string directory)
    {
        var server = Scalar(cluster, "server");
        if (string.IsNullOrWhiteSpace(server) || !Uri.TryCreate(server, UriKind.Absolute, out var uri))
        {
            throw new KubeConfigException($"cluster '{name}' has no valid server URL");
        }

        config.Host = server;
        config.SkipTlsVerify = Scalar(cluster, "insecure-skip-tls-verify") is { } skip && bool.TryParse(skip, out var s) && s;
        config.TlsServerName = Scalar(cluster, "tls-server-name");
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return;
        }

        string? pem = null;
        if (Scalar(cluster, "certificate-authority-data") is { Length: > 0 } data)
        {
            pem = Encoding.UTF8.GetString(FromBase64(data, $"cluster '{name}': certificate-authority-data"));
        }
        else if (Scalar(cluster, "certificate-authority") is { Length: > 0 } file)
        {
            pem = File.ReadAllText(Path.Combine(directory, file));
        }

        if (pem is not null)
        {
            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPem(pem);
            if (certificates.Count == 0)
            {
                throw new KubeConfigException($"cluster '{name}': the certificate authority holds no PEM certificate");
            }

            config.SslCaCerts = certificates;
        }
    }

    private static void ApplyUser(KubernetesClientConfiguration config, string name, YamlMappingNode user, string directory)
    {
        if (Child(user, "exec") is not null || Child(user, "auth-provider") is not null)
        {
            throw new KubeConfigException($"user '{name}' uses a credential plugin (exec or auth-provider), which appkeys-operator does not run: use a token or client certificate kubeconfig, or run in-cluster");
        }

        var found = false;
        if (Scalar(user, "token") is { Length: > 0 } token)
        {
            config.AccessToken = token;
            found = true;
        }
        else if (Scalar(user, "tokenFile") is { Length: > 0 } tokenFile)
        {
            config.TokenProvider = new TokenFileAuth(Path.Combine(directory, tokenFile));
            found = true;
        }
        else if (Scalar(user, "username") is { Length: > 0 } username && Scalar(user, "password") is { Length: > 0 } password)
        {
            config.Username = username;
            config.Password = password;
            found = true;
        }

        if (Scalar(user, "client-certificate-data") is { Length: > 0 } certData && Scalar(user, "client-key-data") is { Length: > 0 } keyData)
        {
            config.ClientCertificateData = certData;
            config.ClientCertificateKeyData = keyData;
            found = true;
        }
        else if (Scalar(user, "client-certificate") is { Length: > 0 } certFile && Scalar(user, "client-key") is { Length: > 0 } keyFile)
        {
            config.ClientCertificateFilePath = Path.Combine(directory, certFile);
            config.ClientKeyFilePath = Path.Combine(directory, keyFile);
            found = true;
        }

        if (!found)
        {
            throw new KubeConfigException($"user '{name}' has no credentials the operator can use (token, tokenFile, client certificate, username/password)");
        }
    }

    private static YamlMappingNode Parse(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            // The parser's message names a position, never the content.
            throw new KubeConfigException($"{path} is not valid YAML: {e.Start}: {e.Message}");
        }

        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new KubeConfigException($"{path} is not a kubeconfig (no mapping at the top)");
    }

    private static void Collect(YamlMappingNode root, string listKey, string bodyKey, string path, Action<(string Name, YamlMappingNode Body)> add)
    {
        if (Child(root, listKey) is not YamlSequenceNode list)
        {
            return;
        }

        foreach (var item in list.Children.OfType<YamlMappingNode>())
        {
            var name = Scalar(item, "name") ?? throw new KubeConfigException($"{path}: an entry of {listKey} has no name");
            add((name, Child(item, bodyKey) as YamlMappingNode ?? new YamlMappingNode()));
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static byte[] FromBase64(string value, string what)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new KubeConfigException($"{what} is not base64");
        }
    }
}
