using AppKeys.Runtime.Client;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Runtime.Tests.Integration;

public class EventRecorderTests
{
    [Fact]
    public async Task A_new_event_is_created_and_a_repeat_increments_its_count()
    {
        await using var local = await LocalServer.StartAsync();
        var transport = local.Connect().Transport;
        var events = new ResourceClient<Corev1Event>(transport);
        await using var recorder = new EventRecorder(events, TimeProvider.System);
        var regarding = new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = "cm", NamespaceProperty = "default", Uid = Guid.NewGuid().ToString() },
        };

        await recorder.RecordAsync(regarding, EventTypes.Normal, "Issued", "first");
        await recorder.RecordAsync(regarding, EventTypes.Warning, "Failed", "again");
        await recorder.RecordAsync(regarding, EventTypes.Warning, "Failed", "again");
        await recorder.FlushAsync();

        var first = await events.GetAsync(EventRecorder.EventName(regarding, EventTypes.Normal, "Issued", "first"), "default");
        var repeated = await events.GetAsync(EventRecorder.EventName(regarding, EventTypes.Warning, "Failed", "again"), "default");
        Assert.NotNull(first);
        Assert.Equal(1, first.Count);
        Assert.Equal("cm", first.InvolvedObject.Name);
        Assert.NotNull(repeated);
        Assert.Equal(2, repeated.Count);
        Assert.Equal("Failed", repeated.Reason);
    }
}
