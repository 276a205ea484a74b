using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AppKeys.LocalApiServer.Model;
using AppKeys.LocalApiServer.Objects;

namespace AppKeys.LocalApiServer.Admission;

/// <summary>
/// The defaulting kube-apiserver 1.32 applies to built-in kinds when it decodes a write (k8s.io/kubernetes
/// <c>pkg/apis/apps/v1/defaults.go</c>, <c>pkg/apis/core/v1/defaults.go</c> and the generated
/// <c>zz_generated.defaults.go</c> that calls them for every nested struct). Custom resources are defaulted from
/// their schema elsewhere; Secret type and Namespace labels in <see cref="KindRules"/>.
/// </summary>
internal static partial class BuiltInDefaults
{
    public static void Apply(ApiResourceInfo r, JsonObject obj)
    {
        if (r.IsCustom)
        {
            return;
        }
        switch ((r.Group, r.Plural))
        {
            case ("apps", "deployments"):
                Deployment(obj);
                break;
            case ("apps", "statefulsets"):
                StatefulSet(obj);
                break;
            case ("apps", "daemonsets"):
                DaemonSet(obj);
                break;
            case ("", "services"):
                Service(obj);
                break;
            default:
                break;
        }
    }

    /// <summary>apps/v1 SetDefaults_Deployment, then the pod template's defaults.</summary>
    private static void Deployment(JsonObject obj)
    {
        var spec = JsonText.EnsureObject(obj, "spec");
        SetIfNull(spec, "replicas", 1);
        var strategy = JsonText.EnsureObject(spec, "strategy");
        if (Text(strategy["type"]) is null)
        {
            strategy["type"] = "RollingUpdate";
        }
        if (Text(strategy["type"]) == "RollingUpdate")
        {
            var rolling = JsonText.EnsureObject(strategy, "rollingUpdate");
            SetIfNull(rolling, "maxUnavailable", "25%");
            SetIfNull(rolling, "maxSurge", "25%");
        }
        SetIfNull(spec, "revisionHistoryLimit", 10);
        SetIfNull(spec, "progressDeadlineSeconds", 600);
        PodSpec(JsonText.EnsureObject(JsonText.EnsureObject(spec, "template"), "spec"));
    }

    /// <summary>
    /// apps/v1 SetDefaults_StatefulSet as 1.32 runs it (StatefulSetAutoDeletePVC on, MaxUnavailableStatefulSet off),
    /// then the pod template's defaults. volumeClaimTemplates are not defaulted here.
    /// </summary>
    private static void StatefulSet(JsonObject obj)
    {
        var spec = JsonText.EnsureObject(obj, "spec");
        SetIfEmpty(spec, "podManagementPolicy", "OrderedReady");
        var strategy = JsonText.EnsureObject(spec, "updateStrategy");
        if (Text(strategy["type"]) is null or "")
        {
            strategy["type"] = "RollingUpdate";
            JsonText.EnsureObject(strategy, "rollingUpdate");
        }
        if (Text(strategy["type"]) == "RollingUpdate" && strategy["rollingUpdate"] is JsonObject rolling)
        {
            SetIfNull(rolling, "partition", 0);
        }
        var retention = JsonText.EnsureObject(spec, "persistentVolumeClaimRetentionPolicy");
        SetIfEmpty(retention, "whenDeleted", "Retain");
        SetIfEmpty(retention, "whenScaled", "Retain");
        SetIfNull(spec, "replicas", 1);
        SetIfNull(spec, "revisionHistoryLimit", 10);
        PodSpec(JsonText.EnsureObject(JsonText.EnsureObject(spec, "template"), "spec"));
    }

    /// <summary>apps/v1 SetDefaults_DaemonSet, then the pod template's defaults.</summary>
    private static void DaemonSet(JsonObject obj)
    {
        var spec = JsonText.EnsureObject(obj, "spec");
        var strategy = JsonText.EnsureObject(spec, "updateStrategy");
        if (Text(strategy["type"]) is null or "")
        {
            strategy["type"] = "RollingUpdate";
        }
        if (Text(strategy["type"]) == "RollingUpdate")
        {
            var rolling = JsonText.EnsureObject(strategy, "rollingUpdate");
            SetIfNull(rolling, "maxUnavailable", 1);
            SetIfNull(rolling, "maxSurge", 0);
        }
        SetIfNull(spec, "revisionHistoryLimit", 10);
        PodSpec(JsonText.EnsureObject(JsonText.EnsureObject(spec, "template"), "spec"));
    }

    /// <summary>SetDefaults_PodSpec (not SetDefaults_Pod: templates get no enableServiceLinks) and nested structs.</summary>
    private static void PodSpec(JsonObject spec)
    {
        SetIfEmpty(spec, "dnsPolicy", "ClusterFirst");
        SetIfEmpty(spec, "restartPolicy", "Always");
        SetIfNull(spec, "securityContext", new JsonObject());
        SetIfNull(spec, "terminationGracePeriodSeconds", 30);
        SetIfEmpty(spec, "schedulerName", "default-scheduler");
        foreach (var list in new[] { "initContainers", "containers" })
        {
            if (spec[list] is JsonArray containers)
            {
                foreach (var c in containers.OfType<JsonObject>())
                {
                    Container(c);
                }
            }
        }
        if (spec["volumes"] is JsonArray volumes)
        {
            foreach (var v in volumes.OfType<JsonObject>())
            {
                Volume(v);
            }
        }
    }

    private static readonly string[] VolumeSources =
    [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
        "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
        "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    ];

    /// <summary>SetDefaults_Volume (no source → emptyDir) and the volume sources' default modes.</summary>
    private static void Volume(JsonObject v)
    {
        if (!VolumeSources.Any(s => v[s] is not null))
        {
            v["emptyDir"] = new JsonObject();
        }
        foreach (var source in new[] { "secret", "configMap", "downwardAPI", "projected" })
        {
            if (v[source] is JsonObject s)
            {
                SetIfNull(s, "defaultMode", 420);
            }
        }
        if (v["hostPath"] is JsonObject hostPath)
        {
            SetIfNull(hostPath, "type", "");
        }
        if (v["downwardAPI"]?["items"] is JsonArray items)
        {
            foreach (var item in items.OfType<JsonObject>())
            {
                FieldRef(item["fieldRef"]);
            }
        }
        if (v["projected"]?["sources"] is JsonArray sources)
        {
            foreach (var source in sources.OfType<JsonObject>())
            {
                if (source["serviceAccountToken"] is JsonObject token)
                {
                    SetIfNull(token, "expirationSeconds", 3600);
                }
                if (source["downwardAPI"]?["items"] is JsonArray projectedItems)
                {
                    foreach (var item in projectedItems.OfType<JsonObject>())
                    {
                        FieldRef(item["fieldRef"]);
                    }
                }
            }
        }
    }

    /// <summary>SetDefaults_Container, container ports' protocol, probes, lifecycle handlers and env fieldRefs.</summary>
    private static void Container(JsonObject c)
    {
        if (Text(c["imagePullPolicy"]) is null)
        {
            c["imagePullPolicy"] = ImageTag(Text(c["image"]) ?? "") == "latest" ? "Always" : "IfNotPresent";
        }
        SetIfEmpty(c, "terminationMessagePath", "/dev/termination-log");
        SetIfEmpty(c, "terminationMessagePolicy", "File");
        if (c["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                SetIfEmpty(p, "protocol", "TCP");
            }
        }
        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (c[probe] is JsonObject pr)
            {
                SetIfZero(pr, "timeoutSeconds", 1);
                SetIfZero(pr, "periodSeconds", 10);
                SetIfZero(pr, "successThreshold", 1);
                SetIfZero(pr, "failureThreshold", 3);
                HttpGet(pr["httpGet"]);
                if (pr["grpc"] is JsonObject grpc)
                {
                    SetIfNull(grpc, "service", "");
                }
            }
        }
        if (c["lifecycle"] is JsonObject lifecycle)
        {
            HttpGet(lifecycle["postStart"]?["httpGet"]);
            HttpGet(lifecycle["preStop"]?["httpGet"]);
        }
        if (c["env"] is JsonArray env)
        {
            foreach (var e in env.OfType<JsonObject>())
            {
                FieldRef(e["valueFrom"]?["fieldRef"]);
            }
        }
    }

    private static void HttpGet(JsonNode? node)
    {
        if (node is JsonObject httpGet)
        {
            SetIfEmpty(httpGet, "path", "/");
            SetIfEmpty(httpGet, "scheme", "HTTP");
        }
    }

    private static void FieldRef(JsonNode? node)
    {
        if (node is JsonObject fieldRef)
        {
            SetIfEmpty(fieldRef, "apiVersion", "v1");
        }
    }

    /// <summary>
    /// The tag <c>parsers.ParseImageName</c> reports: the reference's tag, "latest" when it has neither tag nor
    /// digest, and "" when it does not parse (docker reference grammar: lower-case path components).
    /// </summary>
    internal static string ImageTag(string image)
    {
        var m = ImageReference().Match(image);
        if (!m.Success || m.Groups["name"].Value.Length > 255)
        {
            return "";
        }
        var name = m.Groups["name"].Value;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? name : name[..slash];
        var hasDomain = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var path = hasDomain ? name[(slash + 1)..] : name;
        if (!RepositoryPath().IsMatch(path))
        {
            return "";
        }
        var tag = m.Groups["tag"].Value;
        return tag.Length == 0 && !m.Groups["digest"].Success ? "latest" : tag;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9][A-Za-z0-9._:\-/]*?)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex ImageReference();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPath();

    /// <summary>core/v1 SetDefaults_Service (cluster IPs and node ports are allocated by Resources/ServiceStrategy).</summary>
    private static void Service(JsonObject obj)
    {
        var spec = JsonText.EnsureObject(obj, "spec");
        SetIfEmpty(spec, "sessionAffinity", "None");
        if (Text(spec["sessionAffinity"]) == "None")
        {
            spec.Remove("sessionAffinityConfig");
        }
        else if (Text(spec["sessionAffinity"]) == "ClientIP" && spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"] is null)
        {
            spec["sessionAffinityConfig"] = new JsonObject { ["clientIP"] = new JsonObject { ["timeoutSeconds"] = 10800 } };
        }
        SetIfEmpty(spec, "type", "ClusterIP");
        if (spec["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                SetIfEmpty(p, "protocol", "TCP");
                var target = p["targetPort"];
                var unset = target is null
                    || (target is JsonValue tv && ((tv.TryGetValue<long>(out var n) && n == 0) || (tv.TryGetValue<string>(out var s) && s.Length == 0)));
                if (unset && p["port"] is JsonValue port)
                {
                    p["targetPort"] = port.DeepClone();
                }
            }
        }
        var type = Text(spec["type"]);
        var externallyAccessible = type is "LoadBalancer" or "NodePort"
            || (type == "ClusterIP" && spec["externalIPs"] is JsonArray { Count: > 0 });
        if (externallyAccessible)
        {
            SetIfEmpty(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type is "NodePort" or "LoadBalancer" or "ClusterIP")
        {
            SetIfNull(spec, "internalTrafficPolicy", "Cluster");
        }
        if (type == "LoadBalancer")
        {
            SetIfNull(spec, "allocateLoadBalancerNodePorts", true);
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static void SetIfNull(JsonObject o, string key, JsonNode value)
    {
        if (o[key] is null)
        {
            o[key] = value;
        }
    }

    private static void SetIfEmpty(JsonObject o, string key, string value)
    {
        if (Text(o[key]) is null)
        {
            o[key] = value;
        }
    }

    private static void SetIfZero(JsonObject o, string key, int value)
    {
        if (o[key] is null || (o[key] is JsonValue v && v.TryGetValue<long>(out var n) && n == 0))
        {
            o[key] = value;
        }
    }
}
