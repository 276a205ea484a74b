using System.Security.Cryptography;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// No consumer secret, access token or signing key may appear in any log line, Event, status or metric, and every
/// managed Secret carries the managed-by label and a controller reference to its owner. Runs its own issuances (JWT,
/// opaque, regeneration, renewal, revocation) and then checks everything captured so far in the suite; the fixture's
/// Secret watch has recorded and checked every version of every Secret.
/// </summary>
[Collection(OperatorCollection.Name)]
public sealed class SecretHygieneTests(OperatorFixture f)
{
    [Fact]
    public async Task No_secret_material_appears_in_logs_events_statuses_or_metrics()
    {
        var ns = await f.CreateNamespaceAsync("hygiene");
        await f.CreateApplicationAsync(ns, "jwt", s => s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]);
        await f.CreateApplicationAsync(ns, "opaque", s => s.TokenType = TokenTypes.Opaque);
        await f.CreateKeyAsync(ns, "j", "jwt", s => s.ValidityPeriod = 600);
        await f.CreateKeyAsync(ns, "s", "jwt", s => s.KeyType = KeyTypes.Sandbox);
        await f.CreateKeyAsync(ns, "o", "opaque");
        await f.WaitKeyReadyAsync(ns, "j", revision: 1);
        await f.Keys.PatchAnnotationAsync(ns, "j", AppKeysAnnotations.Renew, "again");
        await f.WaitKeyReadyAsync(ns, "j", revision: 2, timeout: TimeSpan.FromSeconds(20));
        await f.WaitKeyReadyAsync(ns, "o");
        await f.Applications.PatchAnnotationAsync(ns, "jwt", AppKeysAnnotations.RegenerateSecret, "again");
        await f.WaitKeyReadyAsync(ns, "s", revision: 2);
        await f.Applications.DeleteAsync("opaque", ns);
        await f.WaitKeyReasonAsync(ns, "o", ConditionReasons.ApplicationNotFound);
        foreach (var name in new[] { "j", "s", "jwt-credentials" })
        {
            await f.GetSecretAsync(ns, name);
        }

        Assert.True(f.SecretValues.Count >= 8, $"only {f.SecretValues.Count} secret values were captured");
        Assert.True(f.LogLines.Count > 0, "no log lines were captured");
        var texts = await f.CapturedTextsAsync();
        foreach (var source in new[] { "the operator log", "an Event", "Application ", "ApplicationKey ", "the operator's /metrics" })
        {
            Assert.Contains(texts, t => t.Where.StartsWith(source, StringComparison.Ordinal) && t.Text.Length > 0);
        }

        Assert.Contains(texts, t => t.Where.StartsWith("ApplicationKey ", StringComparison.Ordinal) && t.Text.Contains("\"status\"", StringComparison.Ordinal));
        var leaks = await f.FindLeaksAsync();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task Every_managed_secret_version_carries_the_managed_by_label_and_one_controller_reference()
    {
        var ns = await f.CreateNamespaceAsync("owners");
        var app = await f.CreateApplicationAsync(ns, "app", s => s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]);
        var key = await f.CreateKeyAsync(ns, "k", "app", s => s.ValidityPeriod = 600);
        await f.WaitKeyReadyAsync(ns, "k", revision: 1);
        await f.Keys.PatchAnnotationAsync(ns, "k", AppKeysAnnotations.Renew, "again");
        await f.WaitKeyReadyAsync(ns, "k", revision: 2, timeout: TimeSpan.FromSeconds(20));

        // The Secrets of this namespace point at the very objects that own them (uid included), so deleting the
        // owner deletes them.
        var secrets = (await f.Secrets.ListAsync(ns)).Items;
        Assert.Equal(["app-credentials", "k"], secrets.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
        foreach (var (secret, owner) in new (V1Secret, IMetadata<V1ObjectMeta>)[] { (secrets.Single(s => s.Metadata.Name == "k"), key), (secrets.Single(s => s.Metadata.Name == "app-credentials"), app) })
        {
            Assert.Empty(ManagedSecretChecks.Problems(secret, OperatorFixture.OperatorNamespace));
            Assert.Equal(AppKeysApi.ManagerName, secret.Metadata.Labels[AppKeysLabels.ManagedBy]);
            var reference = Assert.Single(secret.Metadata.OwnerReferences);
            Assert.True(reference.Controller);
            Assert.True(reference.BlockOwnerDeletion);
            Assert.Equal(owner.Metadata.Uid, reference.Uid);
            Assert.Equal(owner.Metadata.Name, reference.Name);
        }

        // And so did every version of every Secret the suite has produced so far (the fixture checks the rest at the end).
        Assert.True(f.SecretVersionsSeen >= 3, $"the fixture saw only {f.SecretVersionsSeen} Secret versions");
        Assert.True(f.OwnershipProblems.Count == 0, string.Join("\n", f.OwnershipProblems));
    }

    [Fact]
    public async Task The_leak_scan_finds_a_value_planted_in_the_log_an_event_and_an_application()
    {
        // A value only this test's own collector knows: planting it leaves the suite-wide check (which scans for the
        // fixture's values) unaffected. It is a valid DNS name, so it can be a Secret name that the operator logs.
        var planted = "planted-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var encodedElsewhere = "planted/" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var ns = await f.CreateNamespaceAsync("planted");
        var app = await f.CreateApplicationAsync(ns, "app", s => s.SecretName = planted);
        await f.Applications.PatchAnnotationAsync(ns, "app", "test/blob", Convert.ToBase64String([7, .. System.Text.Encoding.UTF8.GetBytes(encodedElsewhere), 9]));
        await f.Events.CreateAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "planted", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference { ApiVersion = app.ApiVersion, Kind = app.Kind, Name = "app", NamespaceProperty = ns, Uid = app.Metadata.Uid },
            Type = "Normal",
            Reason = "Planted",
            Message = $"the value is {planted}.",
        });
        await f.WaitApplicationReadyAsync(ns, "app");
        await Eventually.GetAsync(() => Task.FromResult(f.LogLines.FirstOrDefault(l => l.Contains(planted, StringComparison.Ordinal))), "a log line naming the Secret");

        var collector = new SecretValueCollector();
        collector.Add(planted);
        collector.Add(encodedElsewhere);
        var found = collector.FindIn(await f.CapturedTextsAsync());

        var fingerprint = AppKeys.Credentials.TokenFingerprint.Compute(planted);
        Assert.Contains($"a secret value ({fingerprint}) appears as is in the operator log", found);
        Assert.Contains($"a secret value ({fingerprint}) appears as is in an Event", found);
        Assert.Contains($"a secret value ({fingerprint}) appears as is in Application {ns}/app", found);
        Assert.Contains($"a secret value ({AppKeys.Credentials.TokenFingerprint.Compute(encodedElsewhere)}) appears base64 (offset 1) in Application {ns}/app", found);
        // Only the place may name the planted value (it is also a Secret's name); what was found is a fingerprint.
        Assert.All(found, l => Assert.Matches(@"^a secret value \(sha256:[0-9a-f]{16}\) appears (as is|base64(url)? \(offset [0-2]\)) in ", l));
        Assert.DoesNotContain(found, l => l[..l.IndexOf(" in ", StringComparison.Ordinal)].Contains("planted", StringComparison.Ordinal));
    }
}
