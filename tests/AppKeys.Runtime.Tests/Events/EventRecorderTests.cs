using System.Text;
using AppKeys.LocalApiServer.Faults;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Tests.TestSupport;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Events;

public sealed class EventRecorderTests : IAsyncLifetime
{
    private const string SecretValue = "s3cr3t-consumer-secret-value";
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
    private readonly FakeLogger<EventRecorder> log = new();
    private LocalServer local = null!;
    private FaultInjectionHandler faults = null!;
    private ResourceClient<Corev1Event> events = null!;
    private ResourceClient<V1ConfigMap> configMaps = null!;
    private EventRecorder recorder = null!;

    public async Task InitializeAsync()
    {
        local = await LocalServer.StartAsync();
        (var transport, faults) = local.Connect();
        events = new ResourceClient<Corev1Event>(transport);
        configMaps = new ResourceClient<V1ConfigMap>(transport);
        recorder = new EventRecorder(events, time, new EventRecorderOptions { Component = "test-operator", Instance = "pod-1" }, log);
    }

    public async Task DisposeAsync()
    {
        await recorder.DisposeAsync();
        await local.DisposeAsync();
    }

    private Task<V1ConfigMap> CreateConfigMapAsync(string name) =>
        configMaps.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" } });

    private async Task<List<Corev1Event>> EventsAsync()
    {
        // Recording only queues: wait for the writer first.
        await recorder.FlushAsync();
        return [.. (await events.ListAsync("default")).Items];
    }

    [Fact]
    public async Task Repeats_bump_count_and_last_timestamp_of_one_event_named_after_the_object_uid()
    {
        var cm = await CreateConfigMapAsync("app");
        var first = time.GetUtcNow().UtcDateTime;
        await recorder.RecordAsync(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");
        time.Advance(TimeSpan.FromMinutes(3));
        await recorder.RecordAsync(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");
        time.Advance(TimeSpan.FromMinutes(3));
        await recorder.RecordAsync(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");

        var e = Assert.Single(await EventsAsync());
        Assert.StartsWith($"app.{cm.Metadata.Uid}.", e.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(EventRecorder.EventName(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys"), e.Metadata.Name);
        Assert.Equal(3, e.Count);
        Assert.Equal(first, e.FirstTimestamp);
        Assert.Equal(first.AddMinutes(6), e.LastTimestamp);
        Assert.Equal((EventTypes.Normal, "SecretCreated", "Created Secret app-keys"), (e.Type, e.Reason, e.Message));
        Assert.Equal(("ConfigMap", "app", "default", cm.Metadata.Uid), (e.InvolvedObject.Kind, e.InvolvedObject.Name, e.InvolvedObject.NamespaceProperty, e.InvolvedObject.Uid));
        Assert.Equal(("test-operator", "test-operator", "pod-1"), (e.Source.Component, e.ReportingComponent, e.ReportingInstance));
        Assert.DoesNotContain(log.Collector.GetSnapshot(), r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Other_reasons_and_an_object_recreated_under_the_same_name_get_their_own_events()
    {
        var old = await CreateConfigMapAsync("app");
        await recorder.RecordAsync(old, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");
        await recorder.RecordAsync(old, EventTypes.Warning, "InvalidSpec", "spec.validity must be positive");
        await configMaps.DeleteAsync("app", "default");
        var recreated = await CreateConfigMapAsync("app");
        Assert.NotEqual(old.Metadata.Uid, recreated.Metadata.Uid);
        await recorder.RecordAsync(recreated, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");

        var all = await EventsAsync();
        Assert.Equal(3, all.Count);
        Assert.All(all, e => Assert.Equal(1, e.Count));
        Assert.Equal(2, all.Count(e => e.InvolvedObject.Uid == old.Metadata.Uid));
        Assert.Single(all, e => e.InvolvedObject.Uid == recreated.Metadata.Uid && e.Reason == "SecretCreated");
        Assert.Equal(3, all.Select(e => e.Metadata.Name).Distinct().Count());
    }

    [Fact]
    public async Task Api_errors_partitions_and_conflicts_never_throw()
    {
        var cm = await CreateConfigMapAsync("app");

        // 500 on every event request.
        using (local.Server.Faults.Add(new FaultRule { Kind = FaultKind.InternalError, Resources = ["events"] }))
        {
            await recorder.RecordAsync(cm, EventTypes.Warning, "IssueFailed", "token endpoint unreachable");
            await recorder.FlushAsync();
        }

        Assert.Empty(await EventsAsync());
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("IssueFailed", StringComparison.Ordinal));

        // 429 without any retry in this client, and a network partition.
        using (local.Server.Faults.Add(new FaultRule { Kind = FaultKind.TooManyRequests, Resources = ["events"] }))
        {
            await recorder.RecordAsync(cm, EventTypes.Warning, "IssueFailed", "token endpoint unreachable");
            await recorder.FlushAsync();
        }

        faults.PauseAll = true;
        await recorder.RecordAsync(cm, EventTypes.Warning, "IssueFailed", "token endpoint unreachable");
        await recorder.FlushAsync();
        faults.PauseAll = false;
        Assert.Empty(await EventsAsync());

        // A restarted writer (empty caches) meets AlreadyExists and counts into the existing Event with a PUT; every
        // PUT conflicts here: it gives up after three tries, the count is not bumped, nothing throws.
        await recorder.RecordAsync(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");
        await recorder.FlushAsync();
        await using (var restarted = new EventRecorder(events, time, new EventRecorderOptions { Component = "test-operator", Instance = "pod-1" }, log))
        {
            using (local.Server.Faults.Add(new FaultRule { Kind = FaultKind.Conflict, Resources = ["events"] }))
            {
                await restarted.RecordAsync(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");
                await restarted.FlushAsync();
            }
        }

        Assert.Equal(1, Assert.Single(await EventsAsync()).Count);
        Assert.Contains(log.Collector.GetSnapshot(), r => r.Message.Contains("kept conflicting", StringComparison.Ordinal));

        // Still usable afterwards: the next repeat updates the count.
        await recorder.RecordAsync(cm, EventTypes.Normal, "SecretCreated", "Created Secret app-keys");
        Assert.Equal(2, Assert.Single(await EventsAsync()).Count);
    }

    [Fact]
    public async Task Events_about_a_secret_never_carry_its_data_even_when_the_write_fails()
    {
        var secrets = new ResourceClient<V1Secret>(local.Connect().Transport);
        var secret = await secrets.CreateAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "app-keys", NamespaceProperty = "default", Annotations = new Dictionary<string, string> { ["note"] = "plain" } },
            Data = new Dictionary<string, byte[]> { ["consumerSecret"] = Encoding.UTF8.GetBytes(SecretValue) },
        });
        await recorder.RecordAsync(secret, EventTypes.Normal, "SecretWritten", "Wrote consumer key and secret");
        await recorder.FlushAsync();
        using (local.Server.Faults.Add(new FaultRule { Kind = FaultKind.InternalError, Resources = ["events"] }))
        {
            await recorder.RecordAsync(secret, EventTypes.Warning, "SecretWriteFailed", "Could not write the Secret");
            await recorder.FlushAsync();
        }

        var json = KubernetesJson.Serialize(await EventsAsync());
        Assert.Contains("SecretWritten", json, StringComparison.Ordinal);
        var logged = string.Join('\n', log.Collector.GetSnapshot().Select(r => r.Message + r.Exception));
        Assert.Contains("SecretWriteFailed", logged, StringComparison.Ordinal);
        foreach (var text in new[] { json, logged })
        {
            Assert.DoesNotContain(SecretValue, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Long_messages_are_truncated_and_long_names_keep_uid_and_hash()
    {
        var cm = await CreateConfigMapAsync(new string('n', 250));
        await recorder.RecordAsync(cm, EventTypes.Normal, "Long", new string('m', 5000));

        var e = Assert.Single(await EventsAsync());
        Assert.Equal(1024, e.Message.Length);
        Assert.True(e.Metadata.Name.Length <= 253);
        Assert.Contains($".{cm.Metadata.Uid}.", e.Metadata.Name, StringComparison.Ordinal);
    }
}
