using System.CommandLine;
using AppKeys.KubectlPlugin;
using AppKeys.Operator.Apis;

// kubectl-appkeys: `kubectl appkeys <command>` once the executable is on PATH (README, "kubectl appkeys").
return await PluginCommandLine.Build(Console.Out, TimeProvider.System).Parse(args).InvokeAsync();

namespace AppKeys.KubectlPlugin
{
    using AppKeys.Operator.Hosting;
    using k8s;

    /// <summary>The commands and flags; tests invoke it in process with their own output and clock.</summary>
    internal static class PluginCommandLine
    {
        public static RootCommand Build(TextWriter output, TimeProvider time)
        {
            var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: KUBECONFIG, then ~/.kube/config)", Recursive = true };
            var context = new Option<string?>("--context") { Description = "kubeconfig context (default: the current one)", Recursive = true };
            var @namespace = new Option<string?>("--namespace", "-n") { Description = "namespace (default: the context's, else default)", Recursive = true };
            var operatorNamespace = new Option<string>("--operator-namespace") { Description = "the operator's namespace (Lease, JWKS)", DefaultValueFactory = _ => OperatorOptions.DefaultNamespace, Recursive = true };
            var outputFormat = new Option<string?>("--output", "-o") { Description = "json or yaml instead of the screen" };
            outputFormat.AcceptOnlyFromAmong("json", "yaml");

            var root = new RootCommand("kubectl appkeys: status, renewal, consumer-secret regeneration, tokens and checks for appkeys.io Applications and ApplicationKeys")
            {
                kubeconfig, context, @namespace, operatorNamespace,
            };

            PluginContext Context(ParseResult parsed)
            {
                var path = parsed.GetValue(kubeconfig)
                    ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, parsed.GetValue(context));
                return new PluginContext(config, parsed.GetValue(@namespace) ?? config.Namespace ?? "default", parsed.GetValue(operatorNamespace)!, output, time);
            }

            void Add(Command command, Func<PluginContext, ParseResult, CancellationToken, Task<int>> run)
            {
                command.SetAction(async (parsed, ct) =>
                {
                    using var ctx = Context(parsed);
                    try
                    {
                        return await run(ctx, parsed, ct);
                    }
                    catch (AppKeys.Runtime.Client.KubernetesApiException e)
                    {
                        // One line, never a stack trace: the API server's own words, and for a 403 what is missing.
                        await output.WriteLineAsync($"error: {e.Status?.Message ?? e.Message}");
                        if (e.StatusCode == System.Net.HttpStatusCode.Forbidden)
                        {
                            await output.WriteLineAsync("hint: kubectl auth can-i --list -n " + ctx.Namespace + " shows what you may do; README, \"kubectl appkeys\", lists what each command needs");
                        }

                        return 1;
                    }
                });
                root.Subcommands.Add(command);
            }

            var kind = new Argument<string>("kind") { Description = "application or applicationkey (appkey)" };
            var name = new Argument<string>("name");
            var status = new Command("status", "An Application or ApplicationKey on one screen: conditions, expiry, renewal, Secret, recent events, what to do next") { kind, name, outputFormat };
            Add(status, (ctx, p, ct) => Commands.StatusAsync(ctx, p.GetValue(kind)!, p.GetValue(name)!, p.GetValue(outputFormat), ct));

            var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "every namespace" };
            var list = new Command("list", "Applications and ApplicationKeys with their Ready state and expiry") { allNamespaces, outputFormat };
            Add(list, (ctx, p, ct) => Commands.ListAsync(ctx, p.GetValue(allNamespaces), p.GetValue(outputFormat), ct));

            var keyName = new Argument<string>("key") { Description = "ApplicationKey name" };
            var renew = new Command("renew", "Issue a new token for a key now (annotates appkeys.io/renew)") { keyName };
            Add(renew, (ctx, p, ct) => Commands.AnnotateAsync(ctx, ctx.Keys, AppKeysApi.ApplicationKeyKind, p.GetValue(keyName)!, ctx.Namespace, AppKeysAnnotations.Renew, "a new token is issued; the previous one stays valid until it expires", ct));

            var appName = new Argument<string>("application") { Description = "Application name" };
            var regenerate = new Command("regenerate-secret", "Regenerate an Application's consumer secrets, keeping its consumer keys (annotates appkeys.io/regenerate-secret)") { appName };
            Add(regenerate, (ctx, p, ct) => Commands.AnnotateAsync(ctx, ctx.Applications, AppKeysApi.ApplicationKind, p.GetValue(appName)!, ctx.Namespace, AppKeysAnnotations.RegenerateSecret, "new consumer secrets are generated and the keys' tokens reissued", ct));

            var revoke = new Command("revoke", "Revoke a key's current token now and issue a new one (annotates appkeys.io/revoke)") { keyName };
            Add(revoke, (ctx, p, ct) => Commands.RevokeAsync(ctx, p.GetValue(keyName)!, ct));

            var emergency = new Option<string?>("--emergency")
            {
                Description = "after a leak: revoke the signing key KID at once (appkeys.io/revoke-signing-key): it leaves the JWKS, the next key signs and every token it signed is re-minted; 'kubectl appkeys verify KEY' names the kid of a key's token",
                HelpName = "KID",
            };
            var rotate = new Command("rotate-signing-key", "Start a signing-key rotation (annotates appkeys.io/rotate on the operator's signing-key Secret), or with --emergency KID revoke a key at once") { emergency };
            Add(rotate, (ctx, p, ct) => Commands.RotateSigningKeyAsync(ctx, p.GetValue(emergency), ct));

            var showToken = new Option<bool>("--show-token") { Description = "also print the token itself (it is a credential)" };
            var token = new Command("token", "Decode a key's token: JWT header and claims, or an opaque token's fingerprint") { keyName, showToken };
            Add(token, (ctx, p, ct) => Commands.TokenAsync(ctx, p.GetValue(keyName)!, p.GetValue(showToken), ct));

            var optionalKey = new Argument<string?>("key") { Description = "ApplicationKey name", Arity = ArgumentArity.ZeroOrOne };
            var tokenFile = new Option<string?>("--token-file") { Description = "verify the token in this file instead of a key's" };
            var verify = new Command("verify", "Verify a key's JWT against the JWKS the operator publishes (exit 1 when invalid)") { optionalKey, tokenFile };
            Add(verify, (ctx, p, ct) => Commands.VerifyAsync(ctx, p.GetValue(optionalKey), p.GetValue(tokenFile), ct));

            var check = new Command("check", "Is the operator leading, its JWKS published, and does every Ready JWT key of the namespace verify against it? (exit 1 when not)");
            Add(check, (ctx, _, ct) => Commands.CheckAsync(ctx, ct));
            return root;
        }
    }
}
