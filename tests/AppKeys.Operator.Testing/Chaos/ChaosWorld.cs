using System.Text.Json;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s.Models;

namespace AppKeys.Operator.Testing.Chaos;

/// <summary>The objects of the chaos scenario: Applications in several namespaces and the keys spread over them.</summary>
public static class ChaosWorld
{
    public const string OperatorNamespace = "appkeys-system";
    public const string Issuer = "https://issuer.chaos.test";
    public const string Audience = "https://api.chaos.test";
    public const string RenewRequest = "chaos-1";
    public const string TemplateLabel = "chaos.test/relabelled";

    /// <summary>Short-lived keys: renewed 600 s after issuance; each clock jump is longer than that.</summary>
    public const long ShortValidity = 900;
    public const long ShortRenewBefore = 300;
    public static readonly TimeSpan Jump = TimeSpan.FromSeconds(620);

    /// <summary>The replicas' signing-key pre-publish window: shorter than a jump, so a requested rotation completes after one.</summary>
    public static readonly TimeSpan Prepublish = TimeSpan.FromSeconds(600);

    /// <summary>The namespace of the token-endpoint clients (no ApplicationKeys: the 500 keys' accounting is unaffected).</summary>
    public const string ClientNamespace = "chaos-clients";

    /// <summary>The user the endpoint clients introspect as (bound to appkeys-token-introspector in <see cref="ClientNamespace"/>).</summary>
    public const string Gateway = "chaos-gateway";

    public static readonly IReadOnlyList<string> NewScopes = ["catalog:read"];

    public static IReadOnlyList<ApplicationPlan> Applications(int namespaces)
    {
        var apps = new List<ApplicationPlan>();
        for (var n = 0; n < namespaces; n++)
        {
            var ns = $"chaos-{n}";
            apps.Add(new ApplicationPlan(ns, "storefront", TokenTypes.Jwt, [KeyTypes.Production, KeyTypes.Sandbox], ["orders:read", "orders:write", "catalog:read"]) { Regenerate = n == 1 });
            apps.Add(new ApplicationPlan(ns, "billing", TokenTypes.Jwt, [KeyTypes.Production], null));
            apps.Add(new ApplicationPlan(ns, "ledger", TokenTypes.Opaque, [KeyTypes.Production, KeyTypes.Sandbox], null));
        }

        return apps;
    }

    /// <summary>
    /// <paramref name="count"/> keys: a fifth never expire, two fifths live an hour (default validity), two fifths are
    /// short-lived; scopes, key types and the changes made during the run vary with the index.
    /// </summary>
    public static IReadOnlyList<KeyPlan> Keys(IReadOnlyList<ApplicationPlan> apps, int namespaces, int count)
    {
        var perNamespace = apps.Count / namespaces;
        var keys = new List<KeyPlan>(count);
        for (var i = 0; i < count; i++)
        {
            var app = apps[(i % namespaces * perNamespace) + (i / namespaces % perNamespace)];
            var keyType = app.KeyTypes.Count > 1 && i / 7 % 2 == 1 ? KeyTypes.Sandbox : KeyTypes.Production;
            (long? validity, long? renewBefore) = (i % 5) switch
            {
                0 or 1 => (ShortValidity, ShortRenewBefore),
                2 or 3 => ((long?)null, (long?)null),
                _ => (-1L, null),
            };
            IReadOnlyList<string> scopes = (i % 3) switch
            {
                0 => [],
                1 => ["orders:read"],
                _ => ["orders:read", "orders:write"],
            };
            var mayChange = !app.Regenerate;
            var changeScopes = mayChange && i % 17 == 3;
            keys.Add(new KeyPlan(app, $"key-{i:D3}", keyType, validity, renewBefore, scopes)
            {
                ChangeScopes = changeScopes,
                RequestRenewal = mayChange && !changeScopes && i % 19 == 7,
                ChangeTemplate = i % 23 == 11,
                ChangeRenewBefore = !changeScopes && validity is null && i % 13 == 5,
            });
        }

        return keys;
    }

    public static V1Alpha1Application NewApplication(ApplicationPlan app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new()
        {
            Metadata = new V1ObjectMeta { Name = app.Name, NamespaceProperty = app.Namespace },
            Spec = new V1Alpha1ApplicationSpec
            {
                TokenType = app.TokenType,
                KeyTypes = [.. app.KeyTypes],
                AllowedScopes = app.AllowedScopes is null ? null : [.. app.AllowedScopes],
                Owner = "team-chaos",
            },
        };
    }

    public static V1Alpha1ApplicationKey NewKey(KeyPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new()
        {
            Metadata = new V1ObjectMeta { Name = plan.Name, NamespaceProperty = plan.Namespace },
            Spec = new V1Alpha1ApplicationKeySpec
            {
                ApplicationRef = new V1Alpha1ApplicationReference { Name = plan.Application.Name },
                KeyType = plan.KeyType,
                ValidityPeriod = plan.ValidityPeriod,
                RenewBefore = plan.RenewBefore,
                Scopes = [.. plan.Scopes],
            },
        };
    }

    /// <summary>
    /// The run's changes, each a retried API call: new scopes, renew requests, Secret labels and renewBefore on keys,
    /// and the consumer-secret regeneration of the Applications that ask for it (a third of the way in).
    /// </summary>
    public static List<Func<Task>> Changes(
        IReadOnlyList<KeyPlan> plans,
        IReadOnlyList<ApplicationPlan> apps,
        IResourceClient<V1Alpha1ApplicationKey> keys,
        IResourceClient<V1Alpha1Application> applications)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(apps);
        Task<V1Alpha1ApplicationKey> PatchKeyAsync(KeyPlan plan, object patch) =>
            Resilient.CallAsync(() => keys.PatchAsync(plan.Name, plan.Namespace, MergePatch(patch)), $"patch {plan}");

        var changes = new List<Func<Task>>();
        foreach (var plan in plans)
        {
            if (plan.ChangeScopes)
            {
                changes.Add(() => PatchKeyAsync(plan, new { spec = new { scopes = NewScopes } }));
            }

            if (plan.RequestRenewal)
            {
                changes.Add(() => PatchKeyAsync(plan, new { metadata = new { annotations = new Dictionary<string, string> { [AppKeysAnnotations.Renew] = RenewRequest } } }));
            }

            if (plan.ChangeTemplate)
            {
                changes.Add(() => PatchKeyAsync(plan, new { spec = new { secretTemplate = new { labels = new Dictionary<string, string> { [TemplateLabel] = "yes" } } } }));
            }

            if (plan.ChangeRenewBefore)
            {
                changes.Add(() => PatchKeyAsync(plan, new { spec = new { renewBefore = 600 } }));
            }
        }

        foreach (var app in apps.Where(a => a.Regenerate))
        {
            changes.Insert(changes.Count / 3, () => Resilient.CallAsync(
                () => applications.PatchAsync(app.Name, app.Namespace, MergePatch(new { metadata = new { annotations = new Dictionary<string, string> { [AppKeysAnnotations.RegenerateSecret] = "chaos-1" } } })),
                $"regenerate {app}"));
        }

        return changes;
    }

    public static ResourcePatch MergePatch(object patch) => new(JsonSerializer.Serialize(patch), ResourcePatchType.MergePatch);
}
