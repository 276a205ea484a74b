using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;
using AppKeys.LocalApiServer.Registry;
using AppKeys.LocalApiServer.Storage;

namespace AppKeys.LocalApiServer.Resources;

/// <summary>
/// What kube's Service registry (pkg/registry/core/service/storage: alloc.go, storage.go) does on a write: keep
/// allocated values an update omits (patchAllocatedValues), allocate a cluster IP from the service CIDR and node
/// ports from the node-port range, never one a live Service holds, and fill the single-stack IP family fields.
/// </summary>
internal sealed class ServiceStrategy(ClusterStore store) : IResourceStrategy
{
    /// <summary>The service CIDR (kube-apiserver <c>--service-cluster-ip-range</c>, kubeadm's default).</summary>
    public const string ServiceCidr = "10.96.0.0/12";

    private const uint ServiceNetwork = (10u << 24) | (96u << 16);
    private const int ServicePrefix = 12;
    private const int NodePortMin = 30000;
    private const int NodePortMax = 32767;

    public void PrepareForCreate(ApiResourceInfo r, string? ns, JsonObject candidate)
    {
        ObjectMeta.Meta(candidate)["namespace"] = ns;
        Allocate(r, null, candidate);
    }

    public void PrepareForUpdate(ApiResourceInfo r, string? ns, JsonObject old, JsonObject candidate)
    {
        ObjectMeta.Meta(candidate)["namespace"] = ns;
        Allocate(r, old, candidate);
    }

    private void Allocate(ApiResourceInfo r, JsonObject? old, JsonObject candidate)
    {
        var name = ObjectMeta.Name(candidate);
        var spec = candidate["spec"] as JsonObject ?? [];
        candidate["spec"] = spec;
        var oldSpec = old?["spec"] as JsonObject;
        if (oldSpec is not null)
        {
            PatchAllocatedValues(oldSpec, spec);
        }
        var type = JsonText.GetString(spec, "type");
        var errors = new List<FieldCause>();
        var (usedIps, usedPorts) = ServiceAllocations(candidate);
        if (type != "ExternalName")
        {
            var clusterIp = JsonText.GetString(spec, "clusterIP") ?? "";
            var clusterIps = spec["clusterIPs"] is JsonArray array ? array.Select(n => JsonText.ScalarString(n) ?? "").ToList() : [];
            if (clusterIp.Length == 0 && clusterIps.Count > 0)
            {
                clusterIp = clusterIps[0];
            }
            var oldIp = oldSpec is null ? null : JsonText.GetString(oldSpec, "clusterIP");
            if (!string.IsNullOrEmpty(oldIp) && JsonText.GetString(oldSpec!, "type") != "ExternalName" && clusterIp != oldIp)
            {
                errors.Add(FieldCause.Invalid("spec.clusterIPs[0]", null, $"{GoStrings([clusterIp])}: may not change once set"));
            }
            else if (clusterIp.Length == 0)
            {
                clusterIp = FormatIp(NextClusterIp(usedIps));
            }
            else if (clusterIp != "None" && clusterIp != oldIp)
            {
                if (!IPAddress.TryParse(clusterIp, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || clusterIp.Contains(':', StringComparison.Ordinal))
                {
                    errors.Add(FieldCause.Invalid("spec.clusterIPs[0]", clusterIp, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
                }
                else
                {
                    var value = ToUInt(ip);
                    var last = ServiceNetwork | ((1u << (32 - ServicePrefix)) - 1);
                    if (value >> (32 - ServicePrefix) != ServiceNetwork >> (32 - ServicePrefix) || value == ServiceNetwork || value == last)
                    {
                        errors.Add(FieldCause.Invalid("spec.clusterIPs", null, $"{GoStrings([clusterIp])}: failed to allocate IP {clusterIp}: " +
                            $"the provided IP ({clusterIp}) is not in the valid range. The range of valid IPs is {ServiceCidr}"));
                    }
                    else if (usedIps.Contains(value))
                    {
                        errors.Add(FieldCause.Invalid("spec.clusterIPs", null, $"{GoStrings([clusterIp])}: failed to allocate IP {clusterIp}: provided IP is already allocated"));
                    }
                }
            }
            spec["clusterIP"] = clusterIp;
            spec["clusterIPs"] = new JsonArray(clusterIp);
            if (spec["ipFamilyPolicy"] is null)
            {
                var headlessWithoutSelector = clusterIp == "None" && spec["selector"] is not JsonObject { Count: > 0 };
                spec["ipFamilyPolicy"] = headlessWithoutSelector ? "RequireDualStack" : "SingleStack";
            }
            if (spec["ipFamilies"] is not JsonArray { Count: > 0 })
            {
                spec["ipFamilies"] = new JsonArray("IPv4");
            }
        }
        var allocateLb = spec["allocateLoadBalancerNodePorts"] is not JsonValue allocate || !allocate.TryGetValue<bool>(out var yes) || yes;
        if (type == "NodePort" || (type == "LoadBalancer" && allocateLb))
        {
            var ports = spec["ports"] as JsonArray ?? [];
            var taken = new HashSet<long>(usedPorts);
            var oldPorts = OldNodePorts(oldSpec);
            for (var i = 0; i < ports.Count; i++)
            {
                if (ports[i] is not JsonObject port)
                {
                    continue;
                }
                var nodePort = port["nodePort"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
                if (nodePort == 0)
                {
                    nodePort = NextNodePort(taken);
                    port["nodePort"] = nodePort;
                }
                else if (!oldPorts.Contains(nodePort))
                {
                    if (nodePort is < NodePortMin or > NodePortMax)
                    {
                        errors.Add(FieldCause.Invalid($"spec.ports[{i}].nodePort", null,
                            $"{nodePort}: provided port is not in the valid range. The range of valid ports is {NodePortMin}-{NodePortMax}"));
                    }
                    else if (usedPorts.Contains(nodePort))
                    {
                        errors.Add(FieldCause.Invalid($"spec.ports[{i}].nodePort", null, $"{nodePort}: provided port is already allocated"));
                    }
                }
                taken.Add(nodePort);
            }
        }
        if (errors.Count > 0)
        {
            throw StatusErrors.Invalid(r, name, errors);
        }
    }

    /// <summary>storage.go patchAllocatedValues: values an update leaves out are kept from the stored Service.</summary>
    private static void PatchAllocatedValues(JsonObject oldSpec, JsonObject spec)
    {
        var oldType = JsonText.GetString(oldSpec, "type");
        var newType = JsonText.GetString(spec, "type");
        if (oldType != "ExternalName" && newType != "ExternalName")
        {
            if (string.IsNullOrEmpty(JsonText.GetString(spec, "clusterIP")) && oldSpec["clusterIP"] is { } ip)
            {
                spec["clusterIP"] = ip.DeepClone();
            }
            if (spec["clusterIPs"] is not JsonArray { Count: > 0 } && oldSpec["clusterIPs"] is JsonArray { Count: > 0 } ips)
            {
                spec["clusterIPs"] = ips.DeepClone();
            }
        }
        if (oldType is "NodePort" or "LoadBalancer" && newType is "NodePort" or "LoadBalancer"
            && oldSpec["ports"] is JsonArray oldPorts && spec["ports"] is JsonArray newPorts)
        {
            static long NodePort(JsonNode? p) => p?["nodePort"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
            var used = new HashSet<long>(oldPorts.Select(NodePort).Where(n => n != 0));
            used.IntersectWith(newPorts.Select(NodePort).Where(n => n != 0));
            var byName = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var p in oldPorts.OfType<JsonObject>())
            {
                byName[JsonText.GetString(p, "name") ?? ""] = NodePort(p);
            }
            foreach (var p in newPorts.OfType<JsonObject>())
            {
                if (NodePort(p) == 0 && byName.TryGetValue(JsonText.GetString(p, "name") ?? "", out var oldValue) && oldValue != 0 && !used.Contains(oldValue))
                {
                    p["nodePort"] = oldValue;
                }
            }
        }
    }

    private static HashSet<long> OldNodePorts(JsonObject? oldSpec) =>
        oldSpec?["ports"] is JsonArray ports
            ? [.. ports.Select(p => p?["nodePort"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0).Where(n => n != 0)]
            : [];

    /// <summary>Cluster IPs and node ports held by every other live Service. Requires the store lock.</summary>
    private (HashSet<uint> Ips, HashSet<long> Ports) ServiceAllocations(JsonObject candidate)
    {
        var ips = new HashSet<uint>();
        var ports = new HashSet<long>();
        var self = ClusterStore.Key(ObjectMeta.Namespace(candidate), ObjectMeta.Name(candidate));
        foreach (var (key, svc) in store.List(BuiltInResources.StorageKey(BuiltInResources.Services), null))
        {
            if (key == self || svc["spec"] is not JsonObject spec)
            {
                continue;
            }
            if (JsonText.GetString(spec, "clusterIP") is { } ip && IPAddress.TryParse(ip, out var parsed) && parsed.AddressFamily == AddressFamily.InterNetwork)
            {
                ips.Add(ToUInt(parsed));
            }
            foreach (var p in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (p["nodePort"] is JsonValue v && v.TryGetValue<long>(out var n) && n != 0)
                {
                    ports.Add(n);
                }
            }
        }
        return (ips, ports);
    }

    /// <summary>
    /// A random free address above the range's static band (kube's allocator prefers the upper part of the range
    /// for dynamic allocation and keeps the first 256 addresses of a /12 for IPs users choose).
    /// </summary>
    private static uint NextClusterIp(HashSet<uint> used)
    {
        var size = 1u << (32 - ServicePrefix);
        const uint staticBand = 256;
        var span = (int)(size - staticBand - 1);
        var start = RandomNumberGenerator.GetInt32(span);
        for (var i = 0; i < span; i++)
        {
            var candidate = ServiceNetwork + staticBand + (uint)((start + i) % span);
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
    }

    private static long NextNodePort(HashSet<long> taken)
    {
        const int span = NodePortMax - NodePortMin + 1;
        var start = RandomNumberGenerator.GetInt32(span);
        for (var i = 0; i < span; i++)
        {
            var candidate = NodePortMin + ((start + i) % span);
            if (!taken.Contains(candidate))
            {
                return candidate;
            }
        }
        throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full");
    }

    private static uint ToUInt(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
    }

    private static string FormatIp(uint value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}");

    /// <summary>Go's <c>%#v</c> of a []string, as field.Invalid prints a slice value.</summary>
    private static string GoStrings(IEnumerable<string> values) =>
        "[]string{" + string.Join(", ", values.Select(FieldCause.Quote)) + "}";
}
