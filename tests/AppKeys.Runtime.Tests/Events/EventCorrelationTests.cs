using AppKeys.Runtime.Events;
using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Runtime.Tests.Events;

/// <summary>The recorder's asynchronous queue and client-go's correlator semantics, on a fake clock and a fake client.</summary>
public sealed class EventCorrelationTests : IAsyncDisposable
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero));
    private readonly FakeEventClient client = new();
    private readonly RuntimeMetrics metrics = new(Prometheus.Metrics.NewCustomRegistry());
    private readonly V1ConfigMap regarding = Object("app");
    private EventRecorder? recorder;

    public async ValueTask DisposeAsync()
    {
        client.Gate?.TrySetResult();
        if (recorder is not null)
        {
            await recorder.DisposeAsync();
        }
    }

    private static V1ConfigMap Object(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", Uid = "uid-" + name },
    };

    private EventRecorder Recorder(int queueCapacity = 1000) =>
        recorder = new EventRecorder(client, time, new EventRecorderOptions { Component = "test", Instance = "pod-1", QueueCapacity = queueCapacity }, metrics: metrics);

    private int WritesAbout(string name) => client.Actions.Count(a => a.Split(' ')[1].StartsWith(name + ".", StringComparison.Ordinal));

    [Fact]
    public async Task Recording_never_waits_for_the_write_and_a_full_queue_drops_and_counts()
    {
        client.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var r = Recorder(queueCapacity: 2);
        for (var i = 0; i < 10; i++)
        {
            // Every request hangs, yet recording completes synchronously.
            Assert.True(r.RecordAsync(regarding, EventTypes.Normal, "Issued", $"token {i}").IsCompletedSuccessfully);
        }

        // One event is with the (stuck) writer, two wait in the queue, the rest were dropped.
        await Eventually.TrueAsync(() => metrics.Value("appkeys_events_dropped_total", "queue_full") >= 7, "overflow is counted");
        Assert.InRange(metrics.Value("appkeys_events_dropped_total", "queue_full"), 7, 8);
        client.Gate.SetResult();
        await r.FlushAsync();
        Assert.Equal(10, client.Stored.Count + (int)metrics.Value("appkeys_events_dropped_total", "queue_full"));
    }

    [Fact]
    public async Task A_repeat_updates_count_and_last_timestamp_of_the_event_instead_of_creating_one()
    {
        var r = Recorder();
        var first = time.GetUtcNow().UtcDateTime;
        await r.RecordAsync(regarding, EventTypes.Warning, "SecretConflict", "Secret x is not ours");
        time.Advance(TimeSpan.FromSeconds(30));
        await r.RecordAsync(regarding, EventTypes.Warning, "SecretConflict", "Secret x is not ours");
        time.Advance(TimeSpan.FromSeconds(30));
        await r.RecordAsync(regarding, EventTypes.Warning, "SecretConflict", "Secret x is not ours");
        await r.FlushAsync();

        var name = EventRecorder.EventName(regarding, EventTypes.Warning, "SecretConflict", "Secret x is not ours");
        Assert.Equal([$"create {name} count=1", $"replace {name} count=2", $"replace {name} count=3"], client.Actions);
        var e = Assert.Single(client.Stored);
        Assert.Equal((3, first, first.AddMinutes(1)), (e.Count, e.FirstTimestamp, e.LastTimestamp));
    }

    [Fact]
    public async Task Similar_events_beyond_ten_in_ten_minutes_become_one_combined_event()
    {
        var r = Recorder();
        for (var i = 1; i <= 12; i++)
        {
            await r.RecordAsync(regarding, EventTypes.Warning, "IssueFailed", $"attempt {i} failed");
            time.Advance(TimeSpan.FromSeconds(20));
        }

        // Another object's and another reason's events are not similar.
        await r.RecordAsync(Object("other"), EventTypes.Warning, "IssueFailed", "attempt 1 failed");
        await r.RecordAsync(regarding, EventTypes.Warning, "OtherReason", "attempt 1 failed");
        await r.FlushAsync();

        var mine = client.Stored.Where(e => e.InvolvedObject.Name == "app" && e.Reason == "IssueFailed").ToList();
        Assert.Equal(10, mine.Count);
        var combined = Assert.Single(mine, e => e.Message.StartsWith("(combined from similar events): ", StringComparison.Ordinal));
        Assert.Equal("(combined from similar events): attempt 12 failed", combined.Message);
        Assert.Equal(3, combined.Count);
        Assert.Equal(9, mine.Count(e => e.Count == 1 && !e.Message.StartsWith('(')));
        Assert.Single(client.Stored, e => e.InvolvedObject.Name == "other");
        Assert.Single(client.Stored, e => e.Reason == "OtherReason");

        // Ten quiet minutes later, similar events are recorded individually again.
        time.Advance(TimeSpan.FromMinutes(11));
        await r.RecordAsync(regarding, EventTypes.Warning, "IssueFailed", "attempt 13 failed");
        await r.FlushAsync();
        Assert.Single(client.Stored, e => e.Message == "attempt 13 failed");
    }

    [Fact]
    public async Task The_spam_filter_allows_a_burst_of_25_per_object_then_one_per_five_minutes()
    {
        var r = Recorder();
        for (var i = 0; i < 30; i++)
        {
            await r.RecordAsync(regarding, EventTypes.Normal, $"Reason{i % 3}", "same");
        }

        await r.RecordAsync(Object("other"), EventTypes.Normal, "Reason0", "same");
        await r.FlushAsync();
        Assert.Equal(25, WritesAbout("app"));
        Assert.Equal(5, metrics.Value("appkeys_events_dropped_total", "spam"));
        Assert.Single(client.Stored, e => e.InvolvedObject.Name == "other");

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await r.RecordAsync(regarding, EventTypes.Normal, "Reason0", "same");
        await r.FlushAsync();
        Assert.Equal(6, metrics.Value("appkeys_events_dropped_total", "spam"));

        time.Advance(TimeSpan.FromSeconds(1));
        await r.RecordAsync(regarding, EventTypes.Normal, "Reason0", "same");
        await r.FlushAsync();
        Assert.Equal(6, metrics.Value("appkeys_events_dropped_total", "spam"));
        Assert.Equal(26, WritesAbout("app"));
    }

    [Fact]
    public async Task An_event_deleted_meanwhile_is_created_again()
    {
        var r = Recorder();
        await r.RecordAsync(regarding, EventTypes.Normal, "Issued", "token issued");
        await r.FlushAsync();
        var name = client.Stored[0].Metadata.Name;
        client.Clear();
        await r.RecordAsync(regarding, EventTypes.Normal, "Issued", "token issued");
        await r.FlushAsync();
        Assert.Equal([$"create {name} count=1", $"create {name} count=2"], client.Actions);
    }
}
