using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json;
using AppKeys.Operator.Apis;
using AppKeys.Runtime.Client;
using k8s.Models;
using Xunit;

namespace AppKeys.Operator.Testing.Hostile;

/// <summary>
/// Issue 12's attacks, made by a namespace user with the built-in <c>edit</c> role under RBAC, each asserting the
/// property that must hold (not the symptom that was seen). Every test uses names of its own in the shared world.
/// Written once, run against each build of the operator: a test class per world derives from this one (the in-process
/// JIT operator in AppKeys.Operator.Tests, the Native AOT executable as a separate process in E2E) and xunit runs the
/// inherited facts under the derived class's name. Every attack goes through the API server and reads only what a
/// deployed operator exposes (Secrets, statuses, Events, <c>/metrics</c>, its log, the server's denials), so none
/// needs an in-process hook.
/// </summary>
public abstract class HostileAttackSuite(IHostileWorld w)
{
    private const string Shop = IHostileWorld.Shop;

    private static Dictionary<string, string> DataOf(V1Secret secret) =>
        secret.Data.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value), StringComparer.Ordinal);

    private static JsonElement Claims(string jwt) => JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.Clone();

    private static bool IsReady<T>(IList<V1Condition>? conditions, string? reason = null) =>
        conditions?.FirstOrDefault(c => c.Type == "Ready") is { } ready && (reason is null ? ready.Status == "True" : ready.Reason == reason);

    private async Task<V1Alpha1Application> ApplicationAsync(string ns, string name, Action<V1Alpha1ApplicationSpec>? configure = null)
    {
        var spec = new V1Alpha1ApplicationSpec();
        configure?.Invoke(spec);
        await w.Mallory.Applications.CreateAsync(new V1Alpha1Application { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Spec = spec });
        return await Eventually.GetAsync(() => w.Admin.Applications.GetAsync(name, ns), a => IsReady<V1Alpha1Application>(a?.Status?.Conditions), $"Application {name} Ready");
    }

    private async Task<V1Alpha1ApplicationKey> KeyAsync(string name, string application, Action<V1Alpha1ApplicationKeySpec>? configure = null)
    {
        var spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = application } };
        configure?.Invoke(spec);
        await w.Mallory.Keys.CreateAsync(new V1Alpha1ApplicationKey { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Shop }, Spec = spec });
        return await KeyWhenAsync(name, k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions), "Ready");
    }

    private Task<V1Alpha1ApplicationKey> KeyWhenAsync(string name, Func<V1Alpha1ApplicationKey, bool> done, string what) =>
        Eventually.GetAsync(() => w.Admin.Keys.GetAsync(name, Shop), k => k is not null && done(k), $"key {name} {what}");

    private Task<V1Secret> SecretWhenAsync(string name, Func<V1Secret, bool> done, string what, string ns = Shop) =>
        Eventually.GetAsync(() => w.Admin.Secrets.GetAsync(name, ns), s => s is not null && done(s), $"Secret {name} {what}");

    private async Task<Corev1Event> EventAsync(string involved, string reason) =>
        await Eventually.GetAsync(async () => (await w.Admin.Events.ListAsync(Shop)).Items.FirstOrDefault(e => e.InvolvedObject?.Name == involved && e.Reason == reason), $"a {reason} Event about {involved}");

    private static Task<T> MalloryPatchAsync<T>(IResourceClient<T> client, string name, string json, string ns = Shop)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        client.PatchAsync(name, ns, new ResourcePatch(json, ResourcePatchType.MergePatch));

    private static string? Annotation(V1Secret s, string name) => s.Metadata.Annotations is { } a && a.TryGetValue(name, out var v) ? v : null;

    [Fact]
    public async Task Identity_spoofing_another_applications_consumer_key_or_id_is_repaired_from_status()
    {
        var victim = await ApplicationAsync(Shop, "storefront");
        var late = await ApplicationAsync(IHostileWorld.Own, "late");
        await KeyAsync("storefront-prod", "storefront");
        var theirs = late.Status.Keys![0].ConsumerKey!;
        var mine = victim.Status.Keys![0].ConsumerKey!;

        // Attack 1: write t/late's consumer key and application id into storefront-credentials.
        await MalloryPatchAsync(w.Mallory.Secrets, "storefront-credentials", $$$"""{"stringData":{"production.consumerKey":"{{{theirs}}}","applicationId":"{{{late.Status.ApplicationId}}}"}}""");

        // Property: the Secret is repaired from the record, the identity never changes, the repair is reported.
        await SecretWhenAsync("storefront-credentials", s => DataOf(s)["production.consumerKey"] == mine && DataOf(s)["applicationId"] == victim.Status.ApplicationId, "repaired");
        var after = (await w.Admin.Applications.GetAsync("storefront", Shop))!;
        Assert.Equal(mine, after.Status.Keys![0].ConsumerKey);
        Assert.Equal(victim.Status.ApplicationId, after.Status.ApplicationId);
        await EventAsync("storefront", "CredentialsTampered");
        Assert.Contains("appkeys_credentials_tampered_total{namespace=\"shop\",kind=\"Application\"}", await w.MetricsAsync(), StringComparison.Ordinal);

        // The key's tokens never carry the other client's identity.
        var token = DataOf(await SecretWhenAsync("storefront-prod", _ => true, "present"))["accessToken"];
        Assert.Equal(mine, Claims(token).GetProperty("sub").GetString());
        Assert.Equal(victim.Status.ApplicationId, Claims(token).GetProperty("application").GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task The_record_is_out_of_reach_edit_cannot_write_status()
    {
        var app = await ApplicationAsync(Shop, "recorded");
        app.Status.Keys![0].ConsumerKey = "Forged012345678901234567890a";
        var denied = await Assert.ThrowsAsync<KubernetesApiException>(() => w.Mallory.Applications.ReplaceStatusAsync(app));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var key = await KeyAsync("recorded-key", "recorded");
        key.Status.TokenId = "FAKE";
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<KubernetesApiException>(() => w.Mallory.Keys.ReplaceStatusAsync(key))).StatusCode);
    }

    [Fact]
    public async Task Access_taken_away_goes_away_at_once_key_type_and_scope()
    {
        await ApplicationAsync(Shop, "narrowing", s => { s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]; s.AllowedScopes = ["read", "write"]; });
        await KeyAsync("narrowing-sandbox", "narrowing", s => s.KeyType = KeyTypes.Sandbox);
        await KeyAsync("narrowing-write", "narrowing", s => s.Scopes = ["write"]);

        // Attack 2: take Sandbox and the write scope away; the keys' Secrets must not keep their tokens or consumer secrets.
        await MalloryPatchAsync(w.Mallory.Applications, "narrowing", """{"spec":{"keyTypes":["Production"],"allowedScopes":["read"]}}""");
        var sandbox = await KeyWhenAsync("narrowing-sandbox", k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions, ConditionReasons.KeyTypeNotEnabled), "KeyTypeNotEnabled");
        var write = await KeyWhenAsync("narrowing-write", k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions, ConditionReasons.ScopeNotAllowed), "ScopeNotAllowed");
        await Eventually.GetAsync(async () => await w.Admin.Secrets.GetAsync("narrowing-sandbox", Shop) is null ? "gone" : null, "the Sandbox key's Secret deleted");
        await Eventually.GetAsync(async () => await w.Admin.Secrets.GetAsync("narrowing-write", Shop) is null ? "gone" : null, "the write key's Secret deleted");
        Assert.Null(sandbox.Status.TokenId);
        Assert.Null(write.Status.TokenId);

        // Deleting the Application withdraws the rest.
        var kept = await KeyAsync("narrowing-read", "narrowing", s => s.Scopes = ["read"]);
        Assert.NotNull(kept.Status.TokenId);
        await w.Mallory.Applications.DeleteAsync("narrowing", Shop);
        await KeyWhenAsync("narrowing-read", k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions, ConditionReasons.ApplicationNotFound), "ApplicationNotFound");
        await Eventually.GetAsync(async () => await w.Admin.Secrets.GetAsync("narrowing-read", Shop) is null ? "gone" : null, "the last key's Secret deleted");
    }

    [Fact]
    public async Task Rollout_restart_targets_never_reach_another_namespace_or_a_workload_that_does_not_use_the_secret_and_storms_are_bounded()
    {
        static V1Deployment Deployment(string name, string ns, string secret) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                    Spec = new V1PodSpec
                    {
                        Containers = [new V1Container { Name = "c", Image = "example/app:1" }],
                        Volumes = [new V1Volume { Name = "creds", Secret = new V1SecretVolumeSource { SecretName = secret } }],
                    },
                },
            },
        };
        string? RestartedAt(V1Deployment? d) => d?.Spec.Template.Metadata.Annotations?.TryGetValue("kubectl.kubernetes.io/restartedAt", out var at) == true ? at : null;

        // A workload in a namespace Mallory cannot touch, mounting a Secret of the very name her key writes; one in her
        // namespace that does not use the key's Secret; one that does.
        await w.Admin.Deployments.CreateAsync(Deployment("victim", w.OperatorNamespace, "rr-token"));
        await w.Admin.Deployments.CreateAsync(Deployment("bystander", Shop, "something-else"));
        await w.Admin.Deployments.CreateAsync(Deployment("web", Shop, "rr-token"));
        await ApplicationAsync(Shop, "rr-app");
        await KeyAsync("rr-key", "rr-app", s => s.SecretName = "rr-token");

        // Attack: name a target in another namespace (there is no namespace field: it is pruned), and a bystander.
        await MalloryPatchAsync(w.Mallory.Keys, "rr-key", $$$"""
            {"spec":{"rolloutRestartTargets":[
              {"kind":"Deployment","name":"victim","namespace":"{{{w.OperatorNamespace}}}"},
              {"kind":"Deployment","name":"bystander"},
              {"kind":"Deployment","name":"web"}]}}
            """);
        var stored = (await w.Admin.Keys.GetAsync("rr-key", Shop))!;
        Assert.DoesNotContain("namespace", k8s.KubernetesJson.Serialize(stored.Spec.RolloutRestartTargets), StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<KubernetesApiException>(() => MalloryPatchAsync(w.Mallory.Keys, "rr-key", """{"spec":{"rolloutRestartTargets":[{"kind":"Pod","name":"x"}]}}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        await KeyWhenAsync("rr-key", k => k.Status?.RolloutRestarts?.Count == 3, "looked at its three targets");

        // A storm of renew requests: tokens at most every 5 s; the workload restarted at most once per interval (2 min).
        for (var i = 0; i < 12; i++)
        {
            await MalloryPatchAsync(w.Mallory.Keys, "rr-key", $$$$"""{"metadata":{"annotations":{"appkeys.io/renew":"rr{{{{i}}}}"}}}""");
            await Task.Delay(500);
        }

        // The storm issues several tokens (one per 5 s); the restart after the first one is the only one in the interval.
        var key = await KeyWhenAsync("rr-key", k => k.Status?.Revision >= 3 && k.Status.RolloutRestarts?.Any(r => r.Name == "web" && r.Result == "Pending") == true, "a second new token, the restart for it pending");
        var web = await w.Admin.Deployments.GetAsync("web", Shop);
        Assert.NotNull(RestartedAt(web));
        Assert.Equal(2, web!.Metadata.Generation); // created, then exactly one restart

        Assert.Null(RestartedAt(await w.Admin.Deployments.GetAsync("victim", w.OperatorNamespace)));
        Assert.Equal(1, (await w.Admin.Deployments.GetAsync("victim", w.OperatorNamespace))!.Metadata.Generation);
        Assert.Null(RestartedAt(await w.Admin.Deployments.GetAsync("bystander", Shop)));
        var records = key.Status.RolloutRestarts!.ToDictionary(r => r.Name, r => r.Result);
        Assert.Equal("NotFound", records["victim"]);
        Assert.Equal("NotConsuming", records["bystander"]);
        Assert.Empty(w.OperatorDenials);
    }

    [Fact]
    public async Task Renewal_storms_cannot_be_configured_and_renew_requests_are_rate_limited()
    {
        await ApplicationAsync(Shop, "stormy");

        // Attack 3: lifetimes that would renew all the time are refused at admission (schema minimum and CEL rules; the
        // operator re-validates too: KeyPlannerTests and ApplicationKeyValidatorTests).
        foreach (var (name, validity, renewBefore) in new[] { ("storm-1s", 1L, (long?)null), ("storm-3599", 3600L, 3599L), ("storm-299", 3600L, 299L) })
        {
            var spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "stormy" }, ValidityPeriod = validity, RenewBefore = renewBefore };
            var refused = await Assert.ThrowsAsync<KubernetesApiException>(() => w.Mallory.Keys.CreateAsync(new V1Alpha1ApplicationKey { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Shop }, Spec = spec }));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }

        // A burst of renew requests: at most one token per 5 s.
        await KeyAsync("storm-requests", "stormy");
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < 10; i++)
        {
            await MalloryPatchAsync(w.Mallory.Keys, "storm-requests", $$$$"""{"metadata":{"annotations":{"appkeys.io/renew":"r{{{{i}}}}"}}}""");
            await Task.Delay(200);
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        var elapsed = DateTimeOffset.UtcNow - started;
        var revision = (await w.Admin.Keys.GetAsync("storm-requests", Shop))!.Status.Revision ?? 0;
        Assert.True(revision <= 2 + (int)(elapsed.TotalSeconds / 5), $"{revision} tokens in {elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Renames_and_a_deleted_credentials_secret_keep_the_identity()
    {
        var app = await ApplicationAsync(Shop, "moving");
        var before = DataOf(await SecretWhenAsync("moving-credentials", _ => true, "present"));

        // Attack 4a: rename the credentials Secret: same consumer keys and secrets, the old Secret gone.
        await MalloryPatchAsync(w.Mallory.Applications, "moving", """{"spec":{"secretName":"moving-v2"}}""");
        var moved = DataOf(await SecretWhenAsync("moving-v2", _ => true, "written"));
        Assert.Equal(before["production.consumerKey"], moved["production.consumerKey"]);
        Assert.Equal(before["production.consumerSecret"], moved["production.consumerSecret"]);
        await Eventually.GetAsync(async () => await w.Admin.Secrets.GetAsync("moving-credentials", Shop) is null ? "gone" : null, "the old credentials Secret deleted");

        // Attack 4b: delete it: restored with the recorded consumer key; the lost secret regenerated, with a Warning.
        await w.Mallory.Secrets.DeleteAsync("moving-v2", Shop);
        var restored = DataOf(await SecretWhenAsync("moving-v2", s => s.Metadata.Uid is not null, "restored"));
        Assert.Equal(before["production.consumerKey"], restored["production.consumerKey"]);
        Assert.Equal(app.Status.ApplicationId, restored["applicationId"]);
        var warning = await EventAsync("moving", "CredentialsRestored");
        Assert.Equal("Warning", warning.Type);
        Assert.Equal(before["production.consumerKey"], (await w.Admin.Applications.GetAsync("moving", Shop))!.Status.Keys![0].ConsumerKey);
    }

    [Fact]
    public async Task Bookkeeping_annotations_are_outputs_rewritten_and_never_believed()
    {
        await ApplicationAsync(Shop, "annotated");
        var key = await KeyAsync("annotated-key", "annotated");
        var jti = Claims(DataOf((await w.Admin.Secrets.GetAsync("annotated-key", Shop))!)["accessToken"]).GetProperty("jti").GetString();
        Assert.Equal(jti, key.Status.TokenId);

        // Attack 5: forge the token id and revision, then remove the token id.
        await MalloryPatchAsync(w.Mallory.Secrets, "annotated-key", """{"metadata":{"annotations":{"appkeys.io/token-id":"FAKE","appkeys.io/revision":"999"}}}""");
        await SecretWhenAsync("annotated-key", s => Annotation(s, AppKeysAnnotations.TokenId) == jti && Annotation(s, AppKeysAnnotations.Revision) == "1", "annotations rewritten");
        await MalloryPatchAsync(w.Mallory.Secrets, "annotated-key", """{"metadata":{"annotations":{"appkeys.io/token-id":null}}}""");
        await SecretWhenAsync("annotated-key", s => Annotation(s, AppKeysAnnotations.TokenId) == jti, "token id annotation restored");
        var after = (await w.Admin.Keys.GetAsync("annotated-key", Shop))!;
        Assert.Equal((jti, 1L), (after.Status.TokenId, after.Status.Revision));
    }

    [Fact]
    public async Task No_live_token_is_left_behind_by_a_conflict_rename_or_a_removed_owner_reference()
    {
        await ApplicationAsync(Shop, "orphans");
        await w.Mallory.Secrets.CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "someone-elses", NamespaceProperty = Shop }, StringData = new Dictionary<string, string> { ["x"] = "y" } });
        await KeyAsync("orphan-key", "orphans");

        // Attack 6a: rename onto a name Mallory owns (conflict), then rename again.
        await MalloryPatchAsync(w.Mallory.Keys, "orphan-key", """{"spec":{"secretName":"someone-elses"}}""");
        await KeyWhenAsync("orphan-key", k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions, ConditionReasons.SecretConflict), "SecretConflict");
        await Eventually.GetAsync(async () => await w.Admin.Secrets.GetAsync("orphan-key", Shop) is null ? "gone" : null, "the key's previous Secret deleted during the conflict");
        await MalloryPatchAsync(w.Mallory.Keys, "orphan-key", """{"spec":{"secretName":"orphan-key-v3"}}""");
        await KeyWhenAsync("orphan-key", k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions) && k.Status?.SecretName == "orphan-key-v3", "Ready in its third Secret");
        Assert.Equal("y", DataOf((await w.Admin.Secrets.GetAsync("someone-elses", Shop))!)["x"]);
        var holders = (await w.Admin.Secrets.ListAsync(Shop)).Items.Where(s => s.Data?.ContainsKey("accessToken") == true && s.Metadata.Labels is { } labels && labels.TryGetValue(AppKeysLabels.Key, out var k) && k == "orphan-key").Select(s => s.Metadata.Name).ToList();
        Assert.Equal(["orphan-key-v3"], holders);

        // Attack 6b: take the owner reference away: the key takes its Secret back instead of leaving it ownerless.
        await MalloryPatchAsync(w.Mallory.Secrets, "orphan-key-v3", """{"metadata":{"ownerReferences":null}}""");
        var back = await SecretWhenAsync("orphan-key-v3", s => s.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Name == "orphan-key") == true, "owned again");
        Assert.NotNull(back);
        await KeyWhenAsync("orphan-key", k => IsReady<V1Alpha1ApplicationKey>(k.Status?.Conditions), "Ready");
    }

    [Fact]
    public async Task A_token_copied_from_another_keys_secret_is_replaced_not_adopted()
    {
        await ApplicationAsync(Shop, "copycat");
        var victim = await KeyAsync("copycat-victim", "copycat");
        var own = await KeyAsync("copycat-own", "copycat");
        var stolen = DataOf((await w.Admin.Secrets.GetAsync("copycat-victim", Shop))!)["accessToken"];

        await MalloryPatchAsync(w.Mallory.Secrets, "copycat-own", $$$"""{"stringData":{"accessToken":"{{{stolen}}}"}}""");
        var reissued = await KeyWhenAsync("copycat-own", k => k.Status.Revision == 2 && IsReady<V1Alpha1ApplicationKey>(k.Status.Conditions), "re-issued");
        Assert.NotEqual(victim.Status.TokenId, reissued.Status.TokenId);
        Assert.NotEqual(own.Status.TokenId, reissued.Status.TokenId);
        Assert.NotEqual(stolen, DataOf((await w.Admin.Secrets.GetAsync("copycat-own", Shop))!)["accessToken"]);
    }

    [Fact]
    public async Task A_planted_previous_consumer_secret_is_never_handed_to_keys()
    {
        await ApplicationAsync(Shop, "planted");
        await KeyAsync("planted-key", "planted");
        const string Planted = "planted-by-mallory-0123456789abcdefghijklmno";

        await MalloryPatchAsync(w.Mallory.Secrets, "planted-credentials", $$$"""{"stringData":{"production.previousConsumerSecret":"{{{Planted}}}"}}""");
        await SecretWhenAsync("planted-credentials", s => s.Data?.ContainsKey("production.previousConsumerSecret") == false, "the planted secret removed");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("previousConsumerSecret", DataOf((await w.Admin.Secrets.GetAsync("planted-key", Shop))!).Keys);
    }

    [Fact]
    public async Task No_secret_value_reaches_the_operator_log()
    {
        await ApplicationAsync(Shop, "hygiene");
        await KeyAsync("hygiene-key", "hygiene");

        // Every secret value in the world's Secrets now (the other attacks' included, whichever ran before): consumer
        // secrets, tokens, the operator's signing and sealing keys.
        var seen = new SecretValueCollector();
        foreach (var ns in new[] { Shop, IHostileWorld.Own, w.OperatorNamespace })
        {
            foreach (var secret in (await w.Admin.Secrets.ListAsync(ns)).Items)
            {
                seen.Add(secret);
            }
        }

        Assert.True(seen.Count >= 3, $"only {seen.Count} secret values were captured");
        var leaks = seen.FindIn([("the operator's log", w.OperatorLog)]);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task No_attack_made_the_operator_need_a_permission_it_lacks()
    {
        await ApplicationAsync(Shop, "denials");
        Assert.Empty(w.OperatorDenials);
        Assert.DoesNotContain("forbidden", w.OperatorLog, StringComparison.OrdinalIgnoreCase);
    }
}
