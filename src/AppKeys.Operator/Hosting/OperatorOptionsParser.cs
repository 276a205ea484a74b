using System.Globalization;
using AppKeys.Credentials;

namespace AppKeys.Operator.Hosting;

/// <summary>Parses command-line flags (<c>--name value</c> or <c>--name=value</c>) over environment defaults.</summary>
public static class OperatorOptionsParser
{
    public const string Usage = """
        Usage: appkeys-operator [flags]
               appkeys-operator manifests [--output DIR]

          --local                     run an in-process local API server, install CRDs, apply config/samples,
                                      write .local/kubeconfig (what `make run` does)
          --kubeconfig PATH           kubeconfig to use (default: in-cluster, then KUBECONFIG, ~/.kube/config)
          --namespace NS              operator namespace (env POD_NAMESPACE; default appkeys-system)
          --watch-namespaces A,B      only reconcile these namespaces (env WATCH_NAMESPACES; default all)
          --leader-elect BOOL         use a Lease for leader election (default true)
          --http-port N               health, metrics and JWKS port (default 8080)
          --signing-algorithm ALG     ES256 (default) or RS256
          --issuer URL                JWT iss (env APPKEYS_ISSUER; default https://appkeys.io/issuer)
          --audience AUD              JWT aud, repeatable or comma-separated (env APPKEYS_AUDIENCE; default: the consumer key)
          --qps N / --burst N         client-side API rate limit (default 50 / 100)
          --workers N                 concurrent reconciles per controller (default 2)
          --samples DIR / --crds DIR  manifests used by --local (default config/samples, config/crd/bases)
          --local-data-dir DIR        with --local: keep the local API server's state in DIR across runs
                                      (default: in memory, lost at exit)
          --local-rbac                with --local: enforce RBAC, apply config/rbac and run the operator as its
                                      ServiceAccount, as in a cluster (--rbac DIR: another kustomization)
        """;

    public static OperatorOptions Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var options = new OperatorOptions();
        if (env("POD_NAMESPACE") is { Length: > 0 } ns)
        {
            options.Namespace = ns;
        }

        if (env("WATCH_NAMESPACES") is { Length: > 0 } watch)
        {
            options.WatchNamespaces = SplitList(watch);
        }

        if (env("APPKEYS_ISSUER") is { Length: > 0 } issuer)
        {
            options.Issuer = issuer;
        }

        if (env("APPKEYS_AUDIENCE") is { Length: > 0 } audience)
        {
            options.Audiences = SplitList(audience);
        }

        options.Identity = env("POD_NAME") is { Length: > 0 } pod ? pod : null;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? arg[2..eq] : arg[2..];
            string Value()
            {
                if (eq > 0)
                {
                    return arg[(eq + 1)..];
                }

                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"--{name} needs a value");
                }

                return args[++i];
            }

            switch (name)
            {
                case "local":
                    options.Local = eq > 0 ? ParseBool(name, Value()) : true;
                    break;
                case "kubeconfig": options.Kubeconfig = Value(); break;
                case "namespace": options.Namespace = Value(); break;
                case "watch-namespaces": options.WatchNamespaces = SplitList(Value()); break;
                case "leader-elect":
                    // A bare --leader-elect means true; a following true/false is its value.
                    options.LeaderElect = eq > 0 || (i + 1 < args.Count && args[i + 1] is "true" or "false") ? ParseBool(name, Value()) : true;
                    break;
                case "http-port": options.HttpPort = ParseInt(name, Value(), 0, 65535); break;
                case "signing-algorithm":
                    options.SigningAlgorithm = Value().ToUpperInvariant() switch
                    {
                        "ES256" => SigningKeyAlgorithm.ES256,
                        "RS256" => SigningKeyAlgorithm.RS256,
                        var other => throw new ArgumentException($"--signing-algorithm must be ES256 or RS256, not '{other}'"),
                    };
                    break;
                case "issuer": options.Issuer = Value(); break;
                case "audience":
                    options.Audiences = [.. options.Audiences, .. SplitList(Value())];
                    break;
                case "qps":
                    options.Qps = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var qps) && qps > 0
                        ? qps
                        : throw new ArgumentException("--qps must be a positive number");
                    break;
                case "burst": options.Burst = ParseInt(name, Value(), 1, 100_000); break;
                case "workers": options.Workers = ParseInt(name, Value(), 1, 64); break;
                case "samples": options.SamplesDirectory = Value(); break;
                case "crds": options.CrdDirectory = Value(); break;
                case "rbac": options.RbacDirectory = Value(); break;
                case "local-rbac":
                    options.LocalRbac = eq > 0 ? ParseBool(name, Value()) : true;
                    break;
                case "local-data-dir":
                    options.LocalDataDirectory = Value() is { Length: > 0 } dir ? dir : throw new ArgumentException("--local-data-dir must not be empty");
                    break;
                default: throw new ArgumentException($"unknown flag --{name}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            throw new ArgumentException("--issuer must not be empty");
        }

        return options;
    }

    private static List<string> SplitList(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static bool ParseBool(string name, string value) =>
        bool.TryParse(value, out var b) ? b : throw new ArgumentException($"--{name} must be true or false");

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"--{name} must be an integer between {min} and {max}");
}
