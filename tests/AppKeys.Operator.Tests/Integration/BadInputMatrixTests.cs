using System.Net;
using System.Text.Json.Nodes;
using AppKeys.Operator.Apis;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit.Abstractions;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// Issue #7's bad-input matrix: invalid and hostile manifests are either refused at admission (422 from the CRD
/// schema, 413 when too large) or reported as Ready=False with a precise reason; none stops the operator, and a good
/// key applied after all of them becomes Ready. Secrets in the way are left byte-for-byte untouched.
/// </summary>
[Collection(OperatorCollection.Name)]
public sealed class BadInputMatrixTests(OperatorFixture f, ITestOutputHelper output)
{
    private const string Keys = "applicationkeys";
    private const string Apps = "applications";

    private static readonly string Long64 = new('a', 64);

    /// <summary>Manifests the API server must refuse: (what, plural, name, spec, extra metadata).</summary>
    private static IEnumerable<(string What, string Plural, string Name, JsonObject Spec)> Refused()
    {
        yield return ("keyType not in the enum", Keys, "r-keytype", KeySpec(new() { ["keyType"] = "Staging" }));
        yield return ("validityPeriod as a string", Keys, "r-validity-string", KeySpec(new() { ["validityPeriod"] = "3600" }));
        yield return ("validityPeriod over 100 years", Keys, "r-validity-max", KeySpec(new() { ["validityPeriod"] = 3_155_760_001L }));
        yield return ("validityPeriod of int64 max", Keys, "r-validity-int64", KeySpec(new() { ["validityPeriod"] = long.MaxValue }));
        yield return ("validityPeriod not an integer", Keys, "r-validity-float", KeySpec(new() { ["validityPeriod"] = 1e30 }));
        yield return ("renewBefore 0", Keys, "r-renew-zero", KeySpec(new() { ["renewBefore"] = 0 }));
        yield return ("validityPeriod 0 (CEL)", Keys, "r-validity-zero", KeySpec(new() { ["validityPeriod"] = 0 }));
        yield return ("renewBefore equal to validityPeriod (CEL)", Keys, "r-renew-equal", KeySpec(new() { ["validityPeriod"] = 3600, ["renewBefore"] = 3600 }));
        yield return ("a rotation grace period as long as the period (CEL)", Apps, "r-grace-period", Rotation(new() { ["gracePeriodSeconds"] = 7200, ["periodSeconds"] = 7200 }));
        yield return ("renewBefore negative", Keys, "r-renew-negative", KeySpec(new() { ["renewBefore"] = -5 }));
        yield return ("renewBefore under 5 minutes", Keys, "r-renew-short", KeySpec(new() { ["renewBefore"] = 299 }));
        yield return ("validityPeriod 1 s, a renewal storm (CEL)", Keys, "r-validity-storm", KeySpec(new() { ["validityPeriod"] = 1 }));
        yield return ("renewBefore 3599 of 3600 s, a renewal storm (CEL)", Keys, "r-renew-storm", KeySpec(new() { ["validityPeriod"] = 3600, ["renewBefore"] = 3599 }));
        yield return ("129 scopes", Keys, "r-scopes-many", KeySpec(new() { ["scopes"] = new JsonArray([.. Enumerable.Range(0, 129).Select(i => (JsonNode)$"s{i}")]) }));
        yield return ("a 257-character scope", Keys, "r-scope-long", KeySpec(new() { ["scopes"] = new JsonArray(new string('s', 257)) }));
        yield return ("a scope with a space", Keys, "r-scope-space", KeySpec(new() { ["scopes"] = new JsonArray("a b") }));
        yield return ("a scope with a quote", Keys, "r-scope-quote", KeySpec(new() { ["scopes"] = new JsonArray("a\"b") }));
        yield return ("a scope with a control character", Keys, "r-scope-control", KeySpec(new() { ["scopes"] = new JsonArray("a\u0001b") }));
        yield return ("duplicate scopes", Keys, "r-scope-dup", KeySpec(new() { ["scopes"] = new JsonArray("a", "a") }));
        yield return ("scopes not a list", Keys, "r-scope-string", KeySpec(new() { ["scopes"] = "a" }));
        yield return ("no applicationRef", Keys, "r-no-ref", new JsonObject { ["keyType"] = "Production" });
        yield return ("empty applicationRef.name", Keys, "r-ref-empty", new JsonObject { ["applicationRef"] = new JsonObject { ["name"] = "" } });
        yield return ("applicationRef.name not a name", Keys, "r-ref-bad", new JsonObject { ["applicationRef"] = new JsonObject { ["name"] = "Bad_Name" } });
        yield return ("secretName not a name", Keys, "r-secret-bad", KeySpec(new() { ["secretName"] = "Not A Name" }));
        yield return ("secretName of 254 characters", Keys, "r-secret-long", KeySpec(new() { ["secretName"] = new string('s', 254) }));
        yield return ("65 template labels", Keys, "r-labels-many", KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = Map(65, "l", "v") } }));
        yield return ("65 template annotations", Keys, "r-annotations-many", KeySpec(new() { ["secretTemplate"] = new JsonObject { ["annotations"] = Map(65, "a", "v") } }));
        yield return ("a 64-character label value", Keys, "r-label-value", KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = Long64 } } }));
        yield return ("a label value with spaces", Keys, "r-label-space", KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "a b" } } }));
        yield return ("tokenType not in the enum", Apps, "r-token-type", new JsonObject { ["tokenType"] = "Bearer" });
        yield return ("no key types", Apps, "r-keytypes-empty", new JsonObject { ["keyTypes"] = new JsonArray() });
        yield return ("duplicate key types", Apps, "r-keytypes-dup", new JsonObject { ["keyTypes"] = new JsonArray("Production", "Production") });
        yield return ("an unknown key type", Apps, "r-keytypes-bad", new JsonObject { ["keyTypes"] = new JsonArray("Staging") });
        yield return ("a javascript: callbackUrl", Apps, "r-callback", new JsonObject { ["callbackUrl"] = "javascript:alert(1)" });
        yield return ("a throttling policy with spaces", Apps, "r-throttling", new JsonObject { ["throttlingPolicy"] = "10 per min" });
        yield return ("a 71-character displayName", Apps, "r-display", new JsonObject { ["displayName"] = new string('d', 71) });
        yield return ("129 allowed scopes", Apps, "r-allowed-many", new JsonObject { ["allowedScopes"] = new JsonArray([.. Enumerable.Range(0, 129).Select(i => (JsonNode)$"s{i}")]) });
        yield return ("an unknown grant type", Apps, "r-grant", new JsonObject { ["grantTypes"] = new JsonArray("magic") });
        yield return ("a negative rotation grace period", Apps, "r-grace-negative", Rotation(new() { ["gracePeriodSeconds"] = -1 }));
        yield return ("a rotation grace period over 30 days", Apps, "r-grace-max", Rotation(new() { ["gracePeriodSeconds"] = 2_592_001 }));
        yield return ("a rotation grace period as a string", Apps, "r-grace-string", Rotation(new() { ["gracePeriodSeconds"] = "60" }));
        yield return ("a negative rotation period", Apps, "r-period-negative", Rotation(new() { ["periodSeconds"] = -3600 }));
        yield return ("a rotation period under an hour", Apps, "r-period-short", Rotation(new() { ["periodSeconds"] = 3599 }));
        yield return ("a rotation period over 366 days", Apps, "r-period-max", Rotation(new() { ["periodSeconds"] = 31_622_401 }));
        yield return ("secretRotation not an object", Apps, "r-rotation-string", new JsonObject { ["secretRotation"] = "daily" });
        yield return ("a name that is not a DNS subdomain", Keys, "Bad_Name", KeySpec(new()));
        yield return ("a 254-character name", Keys, new string('k', 254), KeySpec(new()));
    }

    private static JsonObject Rotation(JsonObject rotation) => new() { ["secretRotation"] = rotation };

    private static JsonObject Map(int count, string keyPrefix, string value)
    {
        var map = new JsonObject();
        for (var i = 0; i < count; i++)
        {
            map[$"{keyPrefix}{i}"] = value;
        }

        return map;
    }

    private async Task<HttpStatusCode?> CreateRawAsync(string ns, string plural, string name, JsonObject spec, JsonObject? metadata = null)
    {
        var meta = metadata ?? new JsonObject();
        meta["name"] = name;
        meta["namespace"] = ns;
        var body = new JsonObject
        {
            ["apiVersion"] = AppKeysApi.ApiVersion,
            ["kind"] = plural == Keys ? AppKeysApi.ApplicationKeyKind : AppKeysApi.ApplicationKind,
            ["metadata"] = meta,
            ["spec"] = spec,
        };
        try
        {
            await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, AppKeysApi.Group, AppKeysApi.Version, ns, plural);
            return null;
        }
        catch (HttpOperationException e)
        {
            return e.Response.StatusCode;
        }
    }

    [Fact]
    public async Task Invalid_and_hostile_manifests_are_refused_or_reported_and_never_stall_the_operator()
    {
        var ns = await f.CreateNamespaceAsync("bad");
        var other = await f.CreateNamespaceAsync("bad-other");
        await f.CreateApplicationAsync(ns, "app", s => s.AllowedScopes = ["orders:read", "orders:write"]);
        await f.CreateApplicationAsync(other, "elsewhere");
        await f.WaitApplicationReadyAsync(ns, "app");
        await f.WaitApplicationReadyAsync(other, "elsewhere");
        var foreign = await f.Secrets.CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "foreign", NamespaceProperty = ns }, StringData = new Dictionary<string, string> { ["password"] = "hunter2" } });
        // Its owner must exist: the garbage collector deletes objects whose owners are all gone.
        var owner = await f.ConfigMaps.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "someone", NamespaceProperty = ns } });
        var ownedElsewhere = await f.Secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = "owned-elsewhere",
                NamespaceProperty = ns,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "someone", Uid = owner.Metadata.Uid, Controller = true }],
            },
            StringData = new Dictionary<string, string> { ["token"] = "theirs" },
        });
        var appSecretBefore = await f.Secrets.GetAsync("app-credentials", ns);
        var elsewhereSecretBefore = await f.Secrets.GetAsync("elsewhere-credentials", other);

        // Refused at admission.
        var tried = 0;
        var accepted = new List<string>();
        foreach (var (what, plural, name, spec) in Refused())
        {
            tried++;
            var code = await CreateRawAsync(ns, plural, name, spec);
            if (code is not (HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest))
            {
                accepted.Add($"{what}: {(code is null ? "accepted" : $"answered {(int)code}")}");
            }
        }

        // A 4 MiB object is refused for its size.
        tried++;
        var huge = await CreateRawAsync(ns, Keys, "r-huge", new JsonObject { ["applicationRef"] = new JsonObject { ["name"] = "app" } }, new JsonObject { ["annotations"] = new JsonObject { ["big"] = new string('x', 4 * 1024 * 1024) } });
        if (huge is not HttpStatusCode.RequestEntityTooLarge)
        {
            accepted.Add($"a 4 MiB object: {(huge is null ? "accepted" : $"answered {(int)huge}")}");
        }

        Assert.True(accepted.Count == 0, "Not refused at admission:\n" + string.Join("\n", accepted));

        // Accepted by the schema (or impossible to express in it), reported by the operator.
        var reported = new List<(string What, string Plural, string Name, string Reason, string Message)>
        {
            ("a template label the operator owns", Keys, "n-label-key", ConditionReasons.InvalidSpec, AppKeysLabels.Key),
            ("a template managed-by label", Keys, "n-label-managed", ConditionReasons.InvalidSpec, AppKeysLabels.ManagedBy),
            ("a template annotation the operator owns", Keys, "n-annotation-revision", ConditionReasons.InvalidSpec, AppKeysAnnotations.Revision),
            ("a template label key that is not a qualified name", Keys, "n-label-bad-key", ConditionReasons.InvalidSpec, "not a valid label key"),
            ("a template label with an upper-case prefix", Keys, "n-label-upper-prefix", ConditionReasons.InvalidSpec, "not a valid label key"),
            ("a template annotation key that is not a qualified name", Keys, "n-annotation-bad-key", ConditionReasons.InvalidSpec, "not a valid annotation key"),
            ("300 KiB of template annotations", Keys, "n-annotations-huge", ConditionReasons.InvalidSpec, "must total less than"),
            ("a key name too long for its label", Keys, "n-" + Long64, ConditionReasons.InvalidSpec, "metadata.name"),
            ("an Application that does not exist", Keys, "n-missing-app", ConditionReasons.ApplicationNotFound, "missing"),
            ("an Application in another namespace", Keys, "n-cross-namespace", ConditionReasons.ApplicationNotFound, "elsewhere"),
            ("a key type the Application does not enable", Keys, "n-sandbox", ConditionReasons.KeyTypeNotEnabled, "Sandbox"),
            ("a scope the Application does not allow", Keys, "n-scope", ConditionReasons.ScopeNotAllowed, "admin"),
            ("a secretName that belongs to nobody", Keys, "n-secret-foreign", ConditionReasons.SecretConflict, "foreign"),
            ("a secretName that belongs to another controller", Keys, "n-secret-owned", ConditionReasons.SecretConflict, "owned-elsewhere"),
            ("the Application's own Secret as secretName", Keys, "n-secret-app", ConditionReasons.SecretConflict, "app-credentials"),
            ("an Application whose name is too long for its label", Apps, "n-app-" + Long64, ConditionReasons.InvalidSpec, "metadata.name"),
            ("an Application whose derived Secret name is too long", Apps, "n-" + new string('a', 240), ConditionReasons.InvalidSpec, "secretName"),
            ("an Application secretName that belongs to nobody", Apps, "n-app-foreign", ConditionReasons.SecretConflict, "foreign"),
        };
        var specs = new Dictionary<string, (JsonObject Spec, JsonObject? Metadata)>(StringComparer.Ordinal)
        {
            ["n-label-key"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = new JsonObject { [AppKeysLabels.Key] = "other" } } }), null),
            ["n-label-managed"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = new JsonObject { [AppKeysLabels.ManagedBy] = "helm" } } }), null),
            ["n-annotation-revision"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["annotations"] = new JsonObject { [AppKeysAnnotations.Revision] = "999" } } }), null),
            ["n-label-bad-key"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = new JsonObject { ["bad key!"] = "x" } } }), null),
            ["n-label-upper-prefix"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["labels"] = new JsonObject { ["AppKeys.io/key"] = "x" } } }), null),
            ["n-annotation-bad-key"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["annotations"] = new JsonObject { ["/no-name"] = "x" } } }), null),
            ["n-annotations-huge"] = (KeySpec(new() { ["secretTemplate"] = new JsonObject { ["annotations"] = new JsonObject { ["big"] = new string('x', 300 * 1024) } } }), null),
            ["n-" + Long64] = (KeySpec(new()), null),
            ["n-missing-app"] = (new JsonObject { ["applicationRef"] = new JsonObject { ["name"] = "missing" } }, null),
            ["n-cross-namespace"] = (new JsonObject { ["applicationRef"] = new JsonObject { ["name"] = "elsewhere", ["namespace"] = other } }, null),
            ["n-sandbox"] = (KeySpec(new() { ["keyType"] = "Sandbox" }), null),
            ["n-scope"] = (KeySpec(new() { ["scopes"] = new JsonArray("orders:read", "admin") }), null),
            ["n-secret-foreign"] = (KeySpec(new() { ["secretName"] = "foreign" }), null),
            ["n-secret-owned"] = (KeySpec(new() { ["secretName"] = "owned-elsewhere" }), null),
            ["n-secret-app"] = (KeySpec(new() { ["secretName"] = "app-credentials" }), null),
            ["n-app-" + Long64] = (new JsonObject(), null),
            ["n-" + new string('a', 240)] = (new JsonObject(), null),
            ["n-app-foreign"] = (new JsonObject { ["secretName"] = "foreign" }, null),
        };
        foreach (var (what, plural, name, _, _) in reported)
        {
            tried++;
            var (spec, metadata) = specs[name];
            var code = await CreateRawAsync(ns, plural, name, spec, metadata);
            Assert.True(code is null, $"{what}: refused with {(int?)code}, but the schema should accept it");
        }

        // A good key applied after all of them is issued as usual.
        await f.CreateKeyAsync(ns, "good", "app", s => s.Scopes = ["orders:read"]);
        await f.WaitKeyReadyAsync(ns, "good", timeout: TimeSpan.FromSeconds(30));

        var wrong = new List<string>();
        foreach (var (what, plural, name, reason, message) in reported)
        {
            var condition = plural == Keys
                ? FixtureExtensions.Ready(await Eventually.GetAsync(() => f.Keys.GetAsync(name, ns), k => k?.Status?.Conditions is not null, $"status of {name}"))
                : (await Eventually.GetAsync(() => f.Applications.GetAsync(name, ns), a => a?.Status?.Conditions is not null, $"status of {name}")).Status.Conditions!.FirstOrDefault(c => c.Type == "Ready");
            if (condition is not { Status: "False" } || condition.Reason != reason || condition.Message?.Contains(message, StringComparison.Ordinal) != true)
            {
                wrong.Add($"{what}: expected Ready=False {reason} mentioning \"{message}\", got {condition?.Status} {condition?.Reason}: {condition?.Message}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        // Secrets in the way are untouched, and nothing was written for the refused keys.
        Assert.Equal(foreign.Metadata.ResourceVersion, (await f.Secrets.GetAsync("foreign", ns))!.Metadata.ResourceVersion);
        Assert.Equal(ownedElsewhere.Metadata.ResourceVersion, (await f.Secrets.GetAsync("owned-elsewhere", ns))!.Metadata.ResourceVersion);
        Assert.Equal(appSecretBefore!.Metadata.ResourceVersion, (await f.Secrets.GetAsync("app-credentials", ns))!.Metadata.ResourceVersion);
        Assert.Equal(elsewhereSecretBefore!.Metadata.ResourceVersion, (await f.Secrets.GetAsync("elsewhere-credentials", other))!.Metadata.ResourceVersion);
        var secrets = await f.Secrets.ListAsync(ns);
        Assert.Equal(["app-credentials", "foreign", "good", "owned-elsewhere"], secrets.Items.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));

        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(f.OperatorHttp, "/healthz"))).StatusCode);
        output.WriteLine($"bad-input matrix: {tried} manifests tried ({tried - reported.Count} refused at admission, {reported.Count} reported Ready=False)");
    }

    private static JsonObject KeySpec(JsonObject extra)
    {
        var spec = new JsonObject { ["applicationRef"] = new JsonObject { ["name"] = "app" } };
        foreach (var (name, value) in extra)
        {
            spec[name] = value?.DeepClone();
        }

        return spec;
    }
}
