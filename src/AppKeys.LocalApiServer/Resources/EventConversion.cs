using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// core/v1 Event ↔ events.k8s.io/v1 Event. Both APIs share one storage (kept in the core form); the renamed
/// fields follow kube <c>pkg/apis/events/v1/conversion.go</c>.
/// </summary>
public static class EventConversion
{
    // (events.k8s.io/v1 name, core/v1 name)
    private static readonly (string V1, string Core)[] Renames =
    [
        ("regarding", "involvedObject"),
        ("note", "message"),
        ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ];

    public static JsonObject ToCore(JsonObject eventsV1)
    {
        var core = (JsonObject)eventsV1.DeepClone();
        foreach (var (v1, c) in Renames)
        {
            Move(core, v1, c);
        }
        core["apiVersion"] = "v1";
        return core;
    }

    public static JsonObject FromCore(JsonObject core)
    {
        var v1 = (JsonObject)core.DeepClone();
        foreach (var (n, c) in Renames)
        {
            Move(v1, c, n);
        }
        v1["apiVersion"] = "events.k8s.io/v1";
        return v1;
    }

    private static void Move(JsonObject obj, string from, string to)
    {
        if (obj.Remove(from, out var value))
        {
            obj[to] = value;
        }
    }
}
