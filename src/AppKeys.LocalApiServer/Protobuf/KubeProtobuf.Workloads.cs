using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Errors;

namespace AppKeys.LocalApiServer.Protobuf;

/// <summary>
/// apps/v1 Deployment, core/v1 Service and policy/v1 PodDisruptionBudget, as <c>kubectl create deployment|service|pdb</c>
/// send them. Each message is a table of its fields (numbers from k8s.io/api <c>generated.proto</c>, JSON names and
/// <c>omitempty</c>/pointer rules from the Go types), so the JSON is what kube's typed decoding then encoding gives:
/// <list type="bullet">
/// <item><see cref="Presence.OmitEmpty"/>: a value field tagged omitempty (gogo always writes it, zero included):
/// kept only when not zero.</item>
/// <item><see cref="Presence.Pointer"/>: a pointer field: written, hence kept, only when set, even to zero.</item>
/// <item><see cref="Presence.Always"/>: a field without omitempty, or a struct (Go never omits those): always kept,
/// zero when absent (an absent repeated field is JSON null, as Go marshals a nil slice).</item>
/// </list>
/// Status is ignored (kube resets it on create). A field this decoder does not know is accepted only when it carries
/// the zero value (gogo writes unset value fields); anything else answers 415 rather than dropping data silently.
/// </summary>
public static partial class KubeProtobuf
{
    private enum Wire
    {
        String,
        Int32,
        Int64,
        Bool,
        Message,
        StringMap,
        IntOrString,
        LabelSelector,
        ObjectMeta,
        Ignored,
    }

    private enum Presence
    {
        OmitEmpty,
        Pointer,
        Always,
    }

    private sealed record Field(int Number, string Json, Wire Kind, Presence Presence = Presence.OmitEmpty, bool Repeated = false, Message? Of = null);

    private sealed class Message(string name, params Field[] fields)
    {
        public string Name { get; } = name;

        public Field[] Fields { get; } = fields;

        public Field? Find(int number) => Array.Find(Fields, f => f.Number == number);
    }

    // core/v1 ResourceRequirements and EnvVarSource: not decoded; an empty one is accepted, a set one answers 415.
    private static readonly Message ResourceRequirementsMessage = new("core/v1 ResourceRequirements");
    private static readonly Message EnvVarSourceMessage = new("core/v1 EnvVarSource");

    // core/v1 EnvVar: name 1, value 2, valueFrom 3.
    private static readonly Message EnvVarMessage = new("core/v1 EnvVar",
        new(1, "name", Wire.String, Presence.Always),
        new(2, "value", Wire.String),
        new(3, "valueFrom", Wire.Message, Presence.Pointer, Of: EnvVarSourceMessage));

    // core/v1 ContainerPort: name 1, hostPort 2, containerPort 3, protocol 4, hostIP 5.
    private static readonly Message ContainerPortMessage = new("core/v1 ContainerPort",
        new(1, "name", Wire.String),
        new(2, "hostPort", Wire.Int32),
        new(3, "containerPort", Wire.Int32, Presence.Always),
        new(4, "protocol", Wire.String),
        new(5, "hostIP", Wire.String));

    // core/v1 Container (Go field order). Not decoded: envFrom 19, resizePolicy 23, volumeMounts 9, volumeDevices 21,
    // livenessProbe 10, readinessProbe 11, startupProbe 22, lifecycle 12, securityContext 15.
    private static readonly Message ContainerMessage = new("core/v1 Container",
        new(1, "name", Wire.String, Presence.Always),
        new(2, "image", Wire.String),
        new(3, "command", Wire.String, Repeated: true),
        new(4, "args", Wire.String, Repeated: true),
        new(5, "workingDir", Wire.String),
        new(6, "ports", Wire.Message, Repeated: true, Of: ContainerPortMessage),
        new(7, "env", Wire.Message, Repeated: true, Of: EnvVarMessage),
        new(8, "resources", Wire.Message, Presence.Always, Of: ResourceRequirementsMessage),
        new(24, "restartPolicy", Wire.String, Presence.Pointer),
        new(13, "terminationMessagePath", Wire.String),
        new(20, "terminationMessagePolicy", Wire.String),
        new(14, "imagePullPolicy", Wire.String),
        new(16, "stdin", Wire.Bool),
        new(17, "stdinOnce", Wire.Bool),
        new(18, "tty", Wire.Bool));

    // core/v1 PodSpec (Go field order). Not decoded: volumes 1, ephemeralContainers 34, securityContext 14,
    // imagePullSecrets 15, affinity 18, tolerations 22, hostAliases 23, dnsConfig 26, readinessGates 28, overhead 32,
    // topologySpreadConstraints 33, os 36, schedulingGates 38, resourceClaims 39, resources 40.
    private static readonly Message PodSpecMessage = new("core/v1 PodSpec",
        new(20, "initContainers", Wire.Message, Repeated: true, Of: ContainerMessage),
        new(2, "containers", Wire.Message, Presence.Always, Repeated: true, Of: ContainerMessage),
        new(3, "restartPolicy", Wire.String),
        new(4, "terminationGracePeriodSeconds", Wire.Int64, Presence.Pointer),
        new(5, "activeDeadlineSeconds", Wire.Int64, Presence.Pointer),
        new(6, "dnsPolicy", Wire.String),
        new(7, "nodeSelector", Wire.StringMap),
        new(8, "serviceAccountName", Wire.String),
        new(9, "serviceAccount", Wire.String),
        new(21, "automountServiceAccountToken", Wire.Bool, Presence.Pointer),
        new(10, "nodeName", Wire.String),
        new(11, "hostNetwork", Wire.Bool),
        new(12, "hostPID", Wire.Bool),
        new(13, "hostIPC", Wire.Bool),
        new(27, "shareProcessNamespace", Wire.Bool, Presence.Pointer),
        new(16, "hostname", Wire.String),
        new(17, "subdomain", Wire.String),
        new(19, "schedulerName", Wire.String),
        new(24, "priorityClassName", Wire.String),
        new(25, "priority", Wire.Int32, Presence.Pointer),
        new(29, "runtimeClassName", Wire.String, Presence.Pointer),
        new(30, "enableServiceLinks", Wire.Bool, Presence.Pointer),
        new(31, "preemptionPolicy", Wire.String, Presence.Pointer),
        new(35, "setHostnameAsFQDN", Wire.Bool, Presence.Pointer),
        new(37, "hostUsers", Wire.Bool, Presence.Pointer));

    // core/v1 PodTemplateSpec: metadata 1, spec 2.
    private static readonly Message PodTemplateSpecMessage = new("core/v1 PodTemplateSpec",
        new(1, "metadata", Wire.ObjectMeta, Presence.Always),
        new(2, "spec", Wire.Message, Presence.Always, Of: PodSpecMessage));

    // apps/v1 RollingUpdateDeployment: maxUnavailable 1, maxSurge 2.
    private static readonly Message RollingUpdateDeploymentMessage = new("apps/v1 RollingUpdateDeployment",
        new(1, "maxUnavailable", Wire.IntOrString, Presence.Pointer),
        new(2, "maxSurge", Wire.IntOrString, Presence.Pointer));

    // apps/v1 DeploymentStrategy: type 1, rollingUpdate 2.
    private static readonly Message DeploymentStrategyMessage = new("apps/v1 DeploymentStrategy",
        new(1, "type", Wire.String),
        new(2, "rollingUpdate", Wire.Message, Presence.Pointer, Of: RollingUpdateDeploymentMessage));

    // apps/v1 DeploymentSpec: replicas 1, selector 2, template 3, strategy 4, minReadySeconds 5,
    // revisionHistoryLimit 6, paused 7, progressDeadlineSeconds 9.
    private static readonly Message DeploymentSpecMessage = new("apps/v1 DeploymentSpec",
        new(1, "replicas", Wire.Int32, Presence.Pointer),
        new(2, "selector", Wire.LabelSelector, Presence.Pointer),
        new(3, "template", Wire.Message, Presence.Always, Of: PodTemplateSpecMessage),
        new(4, "strategy", Wire.Message, Presence.Always, Of: DeploymentStrategyMessage),
        new(5, "minReadySeconds", Wire.Int32),
        new(6, "revisionHistoryLimit", Wire.Int32, Presence.Pointer),
        new(7, "paused", Wire.Bool),
        new(9, "progressDeadlineSeconds", Wire.Int32, Presence.Pointer));

    // apps/v1 Deployment: metadata 1, spec 2, status 3.
    private static readonly Message DeploymentMessage = new("apps/v1 Deployment",
        new(1, "metadata", Wire.ObjectMeta, Presence.Always),
        new(2, "spec", Wire.Message, Presence.Always, Of: DeploymentSpecMessage),
        new(3, "status", Wire.Ignored));

    // core/v1 ServicePort: name 1, protocol 2, appProtocol 6, port 3, targetPort 4, nodePort 5.
    private static readonly Message ServicePortMessage = new("core/v1 ServicePort",
        new(1, "name", Wire.String),
        new(2, "protocol", Wire.String),
        new(6, "appProtocol", Wire.String, Presence.Pointer),
        new(3, "port", Wire.Int32, Presence.Always),
        new(4, "targetPort", Wire.IntOrString, Presence.Always),
        new(5, "nodePort", Wire.Int32));

    // core/v1 ServiceSpec (Go field order). Not decoded: sessionAffinityConfig 14.
    private static readonly Message ServiceSpecMessage = new("core/v1 ServiceSpec",
        new(1, "ports", Wire.Message, Repeated: true, Of: ServicePortMessage),
        new(2, "selector", Wire.StringMap),
        new(3, "clusterIP", Wire.String),
        new(18, "clusterIPs", Wire.String, Repeated: true),
        new(4, "type", Wire.String),
        new(5, "externalIPs", Wire.String, Repeated: true),
        new(7, "sessionAffinity", Wire.String),
        new(8, "loadBalancerIP", Wire.String),
        new(9, "loadBalancerSourceRanges", Wire.String, Repeated: true),
        new(10, "externalName", Wire.String),
        new(11, "externalTrafficPolicy", Wire.String),
        new(12, "healthCheckNodePort", Wire.Int32),
        new(13, "publishNotReadyAddresses", Wire.Bool),
        new(19, "ipFamilies", Wire.String, Repeated: true),
        new(17, "ipFamilyPolicy", Wire.String, Presence.Pointer),
        new(20, "allocateLoadBalancerNodePorts", Wire.Bool, Presence.Pointer),
        new(21, "loadBalancerClass", Wire.String, Presence.Pointer),
        new(22, "internalTrafficPolicy", Wire.String, Presence.Pointer),
        new(23, "trafficDistribution", Wire.String, Presence.Pointer));

    // core/v1 Service: metadata 1, spec 2, status 3.
    private static readonly Message ServiceMessage = new("core/v1 Service",
        new(1, "metadata", Wire.ObjectMeta, Presence.Always),
        new(2, "spec", Wire.Message, Presence.Always, Of: ServiceSpecMessage),
        new(3, "status", Wire.Ignored));

    // policy/v1 PodDisruptionBudgetSpec: minAvailable 1, selector 2, maxUnavailable 3, unhealthyPodEvictionPolicy 4.
    private static readonly Message PodDisruptionBudgetSpecMessage = new("policy/v1 PodDisruptionBudgetSpec",
        new(1, "minAvailable", Wire.IntOrString, Presence.Pointer),
        new(2, "selector", Wire.LabelSelector, Presence.Pointer),
        new(3, "maxUnavailable", Wire.IntOrString, Presence.Pointer),
        new(4, "unhealthyPodEvictionPolicy", Wire.String, Presence.Pointer));

    // policy/v1 PodDisruptionBudget: metadata 1, spec 2, status 3.
    private static readonly Message PodDisruptionBudgetMessage = new("policy/v1 PodDisruptionBudget",
        new(1, "metadata", Wire.ObjectMeta, Presence.Always),
        new(2, "spec", Wire.Message, Presence.Always, Of: PodDisruptionBudgetSpecMessage),
        new(3, "status", Wire.Ignored));

    private static JsonObject Decode(Message message, ReadOnlySpan<byte> raw)
    {
        var values = new Dictionary<Field, JsonNode?>();
        var r = new ProtoReader(raw);
        while (r.Next(out var number, out var wire))
        {
            if (message.Find(number) is not { } field)
            {
                RejectUnlessZero(message, number, wire, ref r);
                continue;
            }
            if (field.Kind == Wire.Ignored)
            {
                r.Skip(wire);
                continue;
            }
            var expected = field.Kind is Wire.Int32 or Wire.Int64 or Wire.Bool ? 0 : 2;
            if (wire != expected)
            {
                throw new FormatException($"field {number} of {message.Name} has wire type {wire}, expected {expected}");
            }
            if (field.Kind == Wire.StringMap)
            {
                if (!values.TryGetValue(field, out var map) || map is not JsonObject entries)
                {
                    entries = [];
                    values[field] = entries;
                }
                AddMapEntry(entries, r.ReadBytes(), base64Value: false);
                continue;
            }
            var value = ReadValue(field, ref r);
            if (field.Repeated)
            {
                if (!values.TryGetValue(field, out var list) || list is not JsonArray items)
                {
                    items = [];
                    values[field] = items;
                }
                items.Add(value);
            }
            else
            {
                values[field] = value;
            }
        }

        var obj = new JsonObject();
        foreach (var field in message.Fields)
        {
            if (field.Kind == Wire.Ignored)
            {
                continue;
            }
            if (values.TryGetValue(field, out var value))
            {
                if (field.Presence != Presence.OmitEmpty || !IsZero(value))
                {
                    obj[field.Json] = value;
                }
            }
            else if (field.Presence == Presence.Always)
            {
                obj[field.Json] = Zero(field);
            }
        }
        return obj;
    }

    private static JsonNode? ReadValue(Field field, ref ProtoReader r) => field.Kind switch
    {
        Wire.String => r.ReadString(),
        Wire.Int32 => (int)(long)r.ReadVarint(),
        Wire.Int64 => (long)r.ReadVarint(),
        Wire.Bool => r.ReadVarint() != 0,
        Wire.Message => Decode(field.Of!, r.ReadBytes()),
        Wire.IntOrString => IntOrString(r.ReadBytes()),
        Wire.LabelSelector => LabelSelector(r.ReadBytes()),
        Wire.ObjectMeta => Meta(r.ReadBytes()),
        _ => throw new FormatException($"unexpected field kind {field.Kind}"),
    };

    /// <summary>
    /// intstr.IntOrString: type 1 (0 Int, 1 String), intVal 2, strVal 3; JSON is the bare number or string.
    /// </summary>
    private static JsonValue IntOrString(ReadOnlySpan<byte> raw)
    {
        long type = 0;
        var intVal = 0;
        var strVal = "";
        var r = new ProtoReader(raw);
        while (r.Next(out var f, out var w))
        {
            switch (f)
            {
                case 1 when w == 0: type = (long)r.ReadVarint(); break;
                case 2 when w == 0: intVal = (int)(long)r.ReadVarint(); break;
                case 3 when w == 2: strVal = r.ReadString(); break;
                default: r.Skip(w); break;
            }
        }
        return type == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
    }

    private static bool IsZero(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => false,
    };

    private static JsonNode? Zero(Field field) => field switch
    {
        { Repeated: true } => null,
        { Kind: Wire.Message } => Decode(field.Of!, []),
        { Kind: Wire.ObjectMeta or Wire.StringMap or Wire.LabelSelector } => new JsonObject(),
        { Kind: Wire.String } => "",
        { Kind: Wire.Bool } => false,
        _ => 0,
    };

    /// <summary>A field this decoder does not map: fine when it holds the zero value gogo writes for unset fields.</summary>
    private static void RejectUnlessZero(Message message, int number, int wire, ref ProtoReader r)
    {
        var zero = wire switch
        {
            0 => r.ReadVarint() == 0,
            2 => r.ReadBytes().Length == 0,
            _ => false,
        };
        if (!zero)
        {
            throw new ApiException(415, "UnsupportedMediaType",
                $"the local API server does not decode field {number} of {message.Name} from application/vnd.kubernetes.protobuf; send the object as application/json");
        }
    }
}
