using System.Text;
using AppKeys.Operator.Apis;
using AppKeys.Runtime;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.Metrics;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AppKeys.Operator.Tests.KeyManager;

/// <summary>
/// The per-key gauges come from the cache, which every replica holds; only the replica running the controllers reports
/// them (as when its reconciler set them), so two replicas never report a key twice.
/// </summary>
[Collection(KeyManagerCollection.Name)]
public sealed class KeyStateMetricsReplicaTests(KeyManagerFixture f)
{
    private static async Task<string> MetricsAsync(WebApplication replica)
    {
        using var buffer = new MemoryStream();
        await replica.Services.GetRequiredService<RuntimeMetrics>().ExportAsync(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public async Task The_leader_reports_a_key_and_the_standby_with_the_same_key_in_its_cache_declares_the_families_only()
    {
        var (ns, _, _, _) = await f.CreateApplicationAsync("km-gauges");
        await f.Keys.CreateAsync(new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = "k", NamespaceProperty = ns },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "shop" } },
        });
        var standby = f.Standby();
        var leader = ReferenceEquals(standby, f.ReplicaA) ? f.ReplicaB : f.ReplicaA;
        var sample = $"appkeys_applicationkey_ready_status{{namespace=\"{ns}\",name=\"k\"}} 1";

        await Eventually.TrueAsync(async () => (await MetricsAsync(leader)).Contains("\n" + sample + "\n", StringComparison.Ordinal), "the leader reports the key Ready");
        var cached = standby.Services.GetRequiredService<IInformer<V1Alpha1ApplicationKey>>().Store;
        await Eventually.TrueAsync(() => cached.Get(new ObjectKey(ns, "k"))?.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "the standby's cache holds the Ready key");

        var text = await MetricsAsync(standby);
        Assert.DoesNotContain($"namespace=\"{ns}\",name=\"k\"", text, StringComparison.Ordinal);
        foreach (var family in new[] { "appkeys_token_expiration_timestamp_seconds", "appkeys_token_renewal_timestamp_seconds", "appkeys_applicationkey_ready_status" })
        {
            Assert.Contains($"\n# TYPE {family} gauge\n", text, StringComparison.Ordinal);
        }
    }
}
