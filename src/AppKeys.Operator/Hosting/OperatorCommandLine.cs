using System.CommandLine;
using System.CommandLine.Parsing;
using AppKeys.Credentials;
using AppKeys.Operator.Controllers.RolloutRestarts;
using AppKeys.Operator.Signing;

namespace AppKeys.Operator.Hosting;

/// <summary>
/// The operator's flags (System.CommandLine: <c>--help</c>, <c>--name value</c> and <c>--name=value</c>, errors that
/// name the flag), each defaulting to its environment variable where it has one. The dev host adds its own flags to
/// <see cref="Command"/> and binds the shared ones with <see cref="Bind"/>.
/// </summary>
public sealed class OperatorCommandLine
{
    private readonly Option<string?> kubeconfig = new("--kubeconfig") { Description = "kubeconfig to use (default: in-cluster, then KUBECONFIG, ~/.kube/config)", HelpName = "PATH" };
    private readonly Option<string> @namespace;
    private readonly Option<string[]> watchNamespaces;
    private readonly Option<bool> leaderElect = new("--leader-elect") { Description = "use the Lease appkeys-operator-leader for leader election", DefaultValueFactory = _ => true };
    private readonly Option<int> httpPort = new("--http-port") { Description = "port of /healthz, /readyz, /metrics, /.well-known/jwks.json (0: any free port)", DefaultValueFactory = _ => 8080, HelpName = "N" };
    private readonly Option<int> oauthPort = new("--oauth-port") { Description = "HTTPS port of the OAuth endpoints: /oauth2/token, /oauth2/introspect, /oauth2/revoke, metadata, JWKS (0: any free port)", DefaultValueFactory = _ => 8443, HelpName = "N" };
    private readonly Option<string?> oauthTlsSecret = new("--oauth-tls-secret") { Description = "kubernetes.io/tls Secret in the operator namespace with the OAuth port's certificate, e.g. from cert-manager (default: a CA the operator generates, published in ConfigMap appkeys-oauth-ca)", HelpName = "NAME" };
    private readonly Option<string[]> oauthDnsNames = new("--oauth-dns-names") { Description = "names of the generated OAuth certificate, comma separated (default: appkeys-operator.<namespace>.svc[.cluster.local], localhost, 127.0.0.1)", HelpName = "A,B" };
    private readonly Option<SigningKeyAlgorithm> signingAlgorithm = new("--signing-algorithm")
    {
        Description = "JWT signing algorithm: ES256 or RS256",
        DefaultValueFactory = _ => SigningKeyAlgorithm.ES256,
        CustomParser = ParseAlgorithm,
        HelpName = "ALG",
    };

    private readonly Option<TimeSpan> rotationPeriod = new("--signing-key-rotation-period")
    {
        Description = "how long a signing key signs before the next one takes over (e.g. 720h, 30d)",
        DefaultValueFactory = _ => SigningKeySettings.DefaultRotationPeriod,
        HelpName = "DURATION",
    };

    private readonly Option<TimeSpan> prepublish = new("--signing-key-prepublish")
    {
        Description = "how long a next signing key is in the JWKS before it signs; keep it above your verifiers' JWKS refresh (Envoy 10m, WSO2 15m, Istio 20m)",
        DefaultValueFactory = _ => SigningKeySettings.DefaultPrepublish,
        HelpName = "DURATION",
    };

    private readonly Option<TimeSpan?> overlap = new("--signing-key-never-expiring-overlap")
    {
        Description = "how long a retired key stays in the JWKS after the never-expiring tokens it signed were re-minted (default: the rotation period; at least 2m, kubelet's Secret sync)",
        HelpName = "DURATION",
    };

    private readonly Option<TimeSpan> rolloutRestartMinInterval = new("--rollout-restart-min-interval")
    {
        Description = "at most one rollout restart per target workload per this interval (spec.rolloutRestartTargets; at least 10s)",
        DefaultValueFactory = _ => RolloutRestartSettings.DefaultMinInterval,
        HelpName = "DURATION",
    };

    private readonly Option<string> issuer;
    private readonly Option<string[]> audience;
    private readonly Option<double> qps = new("--qps") { Description = "client-side API rate limit, requests per second", DefaultValueFactory = _ => 50, HelpName = "N" };
    private readonly Option<int> burst = new("--burst") { Description = "client-side API rate limit burst", DefaultValueFactory = _ => 100, HelpName = "N" };
    private readonly Option<int> workers = new("--workers") { Description = "concurrent reconciles per controller", DefaultValueFactory = _ => 2, HelpName = "N" };
    private readonly Func<string, string?> environment;

    /// <param name="name">The executable's name (help and errors).</param>
    /// <param name="description">The first line of <c>--help</c>.</param>
    /// <param name="environment">Reads an environment variable (tests pass a dictionary).</param>
    public OperatorCommandLine(string name, string description, Func<string, string?> environment)
    {
        this.environment = environment;
        @namespace = new("--namespace")
        {
            Description = "the operator's namespace: signing keys, JWKS ConfigMap, Lease (env POD_NAMESPACE)",
            DefaultValueFactory = _ => Env("POD_NAMESPACE") ?? OperatorOptions.DefaultNamespace,
            HelpName = "NS",
        };
        watchNamespaces = new("--watch-namespaces")
        {
            Description = "only reconcile these namespaces, comma separated (env WATCH_NAMESPACES; default all)",
            DefaultValueFactory = _ => Env("WATCH_NAMESPACES") is { } v ? [v] : [],
            HelpName = "A,B",
        };
        issuer = new("--issuer")
        {
            Description = "JWT iss (env APPKEYS_ISSUER)",
            DefaultValueFactory = _ => Env("APPKEYS_ISSUER") ?? OperatorOptions.DefaultIssuer,
            HelpName = "URL",
        };
        audience = new("--audience")
        {
            Description = "JWT aud, repeatable or comma separated (env APPKEYS_AUDIENCE; default: the consumer key)",
            DefaultValueFactory = _ => Env("APPKEYS_AUDIENCE") is { } v ? [v] : [],
            HelpName = "AUD",
        };

        issuer.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError("--issuer must not be empty");
            }
        });
        AddDuration(rotationPeriod, TimeSpan.FromHours(1));
        AddDuration(prepublish, TimeSpan.FromMinutes(1));
        AddDuration(rolloutRestartMinInterval, RolloutRestartSettings.ShortestMinInterval);
        overlap.CustomParser = result => ParseDuration(result, overlap.Name, SigningKeySettings.MinimumOverlap);
        AddRange(httpPort, 0, 65535);
        AddRange(oauthPort, 0, 65535);
        AddRange(burst, 1, 100_000);
        AddRange(workers, 1, 64);
        qps.CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is > 0 and < double.PositiveInfinity)
            {
                return value;
            }

            result.AddError($"--qps must be a positive number, not '{text}'");
            return default;
        };

        Command = new RootCommand(description)
        {
            kubeconfig, @namespace, watchNamespaces, leaderElect, httpPort, oauthPort, oauthTlsSecret, oauthDnsNames, signingAlgorithm, rotationPeriod, prepublish, overlap, issuer, audience, qps, burst, workers,
            rolloutRestartMinInterval,
        };
        Command.Validators.Add(r =>
        {
            // Options left to their defaults may not be materialised yet when a command validator runs.
            // A value that failed to parse has its own error already.
            if (Explicit(r, prepublish, SigningKeySettings.DefaultPrepublish) is { } p
                && Explicit(r, rotationPeriod, SigningKeySettings.DefaultRotationPeriod) is { } period
                && p >= period)
            {
                r.AddError($"{prepublish.Name} must be shorter than {rotationPeriod.Name}");
            }
        });
        Name = name;
    }

    /// <summary>The executable's name.</summary>
    public string Name { get; }

    /// <summary>The root command: add options to it before parsing.</summary>
    public RootCommand Command { get; }

    /// <summary>Parses <paramref name="args"/> as the production executable does and binds the options; a bad flag is an <see cref="ArgumentException"/> naming it.</summary>
    public static OperatorOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var line = new OperatorCommandLine("appkeys-operator", "appkeys-operator", environment);
        var result = line.Command.Parse(args);
        return result.Errors.Count > 0
            ? throw new ArgumentException(string.Join("; ", result.Errors.Select(e => e.Message)))
            : line.Bind(result);
    }

    /// <summary>The options the shared flags (and their environment variables) give.</summary>
    public OperatorOptions Bind(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new OperatorOptions
        {
            Kubeconfig = result.GetValue(kubeconfig),
            Namespace = result.GetValue(@namespace)!,
            WatchNamespaces = SplitList(result.GetValue(watchNamespaces)),
            LeaderElect = result.GetValue(leaderElect),
            HttpPort = result.GetValue(httpPort),
            OAuthPort = result.GetValue(oauthPort),
            OAuthTlsSecret = result.GetValue(oauthTlsSecret) is { Length: > 0 } tls ? tls : null,
            OAuthDnsNames = SplitList(result.GetValue(oauthDnsNames)),
            SigningAlgorithm = result.GetValue(signingAlgorithm),
            SigningKeyRotationPeriod = result.GetValue(rotationPeriod),
            SigningKeyPrepublish = result.GetValue(prepublish),
            SigningKeyNeverExpiringOverlap = result.GetValue(overlap),
            Issuer = result.GetValue(issuer)!,
            Audiences = SplitList(result.GetValue(audience)),
            Qps = result.GetValue(qps),
            Burst = result.GetValue(burst),
            Workers = result.GetValue(workers),
            RolloutRestartMinInterval = result.GetValue(rolloutRestartMinInterval),
            Identity = Env("POD_NAME"),
        };
    }

    /// <summary>
    /// Parses and runs <paramref name="run"/> with the bound result; <c>--help</c> prints help (exit 0); a bad flag
    /// prints one line per error and a hint (exit 2), never a stack trace.
    /// </summary>
    public async Task<int> InvokeAsync(IReadOnlyList<string> args, Func<ParseResult, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
    {
        var result = Command.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"{Name}: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Run '{Name} --help' for the flags.");
            return 2;
        }

        Command.SetAction(run);
        return await result.InvokeAsync(cancellationToken: cancellationToken);
    }

    private string? Env(string name) => environment(name) is { Length: > 0 } value ? value : null;

    private static List<string> SplitList(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>Parses the value as an integer in [min, max]; anything else is an error naming the flag (never an exception).</summary>
    private static void AddRange(Option<int> option, int min, int max) =>
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError($"{option.Name} must be an integer between {min} and {max}, not '{text}'");
            return default;
        };

    private static TimeSpan? Explicit(CommandResult command, Option<TimeSpan> option, TimeSpan fallback)
    {
        var result = command.GetResult(option);
        if (result is null || result.Implicit)
        {
            return fallback;
        }

        return result.Tokens.Count == 1 && DurationSyntax.TryParse(result.Tokens[0].Value, out var value) ? value : null;
    }

    private static void AddDuration(Option<TimeSpan> option, TimeSpan min) =>
        option.CustomParser = result => ParseDuration(result, option.Name, min) ?? default;

    /// <summary>A duration as Go and kubectl write them (<c>90s</c>, <c>20m</c>, <c>1h30m</c>, <c>720h</c>) or in days (<c>30d</c>), at least <paramref name="min"/>.</summary>
    private static TimeSpan? ParseDuration(ArgumentResult result, string name, TimeSpan min)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (DurationSyntax.TryParse(text, out var value) && value >= min && value <= TimeSpan.FromDays(3660))
        {
            return value;
        }

        result.AddError($"{name} must be a duration between {DurationSyntax.Format(min)} and 3660d such as 30m, 1h or 720h, not '{text}'");
        return null;
    }

    private static SigningKeyAlgorithm ParseAlgorithm(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        switch (text.ToUpperInvariant())
        {
            case "ES256": return SigningKeyAlgorithm.ES256;
            case "RS256": return SigningKeyAlgorithm.RS256;
            default:
                result.AddError($"--signing-algorithm must be ES256 or RS256, not '{text}'");
                return default;
        }
    }
}
