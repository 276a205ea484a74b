using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.Tables;

/// <summary>
/// Renders objects as a <c>meta.k8s.io/v1 Table</c> the way kube-apiserver answers
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>: custom resources through their
/// <c>additionalPrinterColumns</c> (apiextensions-apiserver <c>tableconvertor.go</c>), the built-ins through the
/// printers of <c>pkg/printers/internalversion/printers.go</c>, anything else through the default convertor
/// (Name, Created At).
/// </summary>
public static class TableRenderer
{
    internal const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    internal const string CreationTimestampDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private delegate JsonArray CellsFor(JsonObject obj, DateTimeOffset now);

    public static JsonObject Render(ApiResourceInfo resource, IReadOnlyList<JsonObject> objects, TableOptions options)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);

        var (columns, cells) = Columns(resource);
        var metadata = new JsonObject();
        if (!string.IsNullOrEmpty(options.ResourceVersion))
        {
            metadata["resourceVersion"] = options.ResourceVersion;
        }

        if (!string.IsNullOrEmpty(options.Continue))
        {
            metadata["continue"] = options.Continue;
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var row = new JsonObject { ["cells"] = cells(obj, options.Now) };
            switch (options.IncludeObject)
            {
                case IncludeObject.Metadata:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                    };
                    break;
                case IncludeObject.Object:
                    row["object"] = obj.DeepClone();
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = options.IncludeColumnDefinitions ? columns : new JsonArray(),
            ["rows"] = rows,
        };
    }

    private static (JsonArray Columns, CellsFor Cells) Columns(ApiResourceInfo resource)
    {
        if (resource.IsCustom)
        {
            return CustomColumns(resource);
        }

        return (resource.Group, resource.Kind) switch
        {
            ("", "Secret") => (
                Defs(NameColumn(), Col("Type", "string", "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types"),
                    Col("Data", "string", "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4"),
                    AgeColumn()),
                (o, now) => [Name(o), Str(o["type"]), Count(o["data"]), Age(o, now)]),
            ("", "ConfigMap") => (
                Defs(NameColumn(), Col("Data", "string", "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."), AgeColumn()),
                (o, now) => [Name(o), Count(o["data"]) + Count(o["binaryData"]), Age(o, now)]),
            ("", "Namespace") => (
                Defs(NameColumn(), Col("Status", "string", "The status of the namespace"), AgeColumn()),
                (o, now) => [Name(o), Str(o["status"]?["phase"]), Age(o, now)]),
            ("coordination.k8s.io", "Lease") => (
                Defs(NameColumn(), Col("Holder", "string", "The holder of the lease"), AgeColumn()),
                (o, now) => [Name(o), Str(o["spec"]?["holderIdentity"]), Age(o, now)]),
            ("" or "events.k8s.io", "Event") => EventColumns(),
            ("", "ServiceAccount") => (
                Defs(NameColumn(), Col("Secrets", "string", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."), AgeColumn()),
                (o, now) => [Name(o), o["secrets"] is JsonArray secrets ? secrets.Count : 0, Age(o, now)]),
            ("rbac.authorization.k8s.io", "RoleBinding" or "ClusterRoleBinding") => BindingColumns(),
            ("apps", "Deployment") => DeploymentColumns(),
            ("apps", "StatefulSet") => StatefulSetColumns(),
            ("apps", "DaemonSet") => DaemonSetColumns(),
            ("", "Service") => ServiceColumns(),
            ("policy", "PodDisruptionBudget") => (
                Defs(NameColumn(), Col("Min Available", "string", "The minimum number of pods that must be available simultaneously."),
                    Col("Max Unavailable", "string", "The maximum number of pods that may be unavailable simultaneously."),
                    Col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."), AgeColumn()),
                (o, now) => [Name(o), IntOrString(o["spec"]?["minAvailable"]) ?? "N/A", IntOrString(o["spec"]?["maxUnavailable"]) ?? "N/A",
                    Long(o["status"]?["disruptionsAllowed"]), Age(o, now)]),
            _ => (
                Defs(NameColumn(), Col("Created At", "date", CreationTimestampDescription)),
                (o, _) => [Name(o), CreatedAt(o)]),
        };
    }

    // apiextensions-apiserver tableconvertor.go: Name first, then each printer column (no implicit Age).
    private static (JsonArray, CellsFor) CustomColumns(ApiResourceInfo resource)
    {
        var columns = resource.PrinterColumns.Count > 0
            ? resource.PrinterColumns
            : [new PrinterColumn("Age", "date", null, CreationTimestampDescription, 0, ".metadata.creationTimestamp")];
        var defs = new JsonArray { NameColumn() };
        foreach (var c in columns)
        {
            var def = Col(c.Name, c.Type, string.IsNullOrEmpty(c.Description)
                ? $"Custom resource definition column (in JSONPath format): {c.JsonPath}"
                : c.Description, c.Priority);
            def["format"] = c.Format ?? string.Empty;
            defs.Add(def);
        }

        return (defs, (o, now) =>
        {
            var cells = new JsonArray { Name(o) };
            foreach (var c in columns)
            {
                cells.Add(CustomCell(o, c, now));
            }

            return cells;
        }
        );
    }

    private static JsonNode? CustomCell(JsonObject obj, PrinterColumn column, DateTimeOffset now)
    {
        IReadOnlyList<JsonNode?> results;
        try
        {
            results = KubeJsonPath.Evaluate(obj, column.JsonPath);
        }
        catch (FormatException)
        {
            return null;
        }

        if (results.Count == 0)
        {
            return null;
        }

        var value = results[0];
        if (column.Type == "string")
        {
            return value switch
            {
                null => "<no value>",
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.TryGetValue<long>(out var l)
                    ? l.ToString(CultureInfo.InvariantCulture)
                    : GoText.FormatFloat(v.GetValue<double>()),
                JsonValue v => v.ToJsonString(),
                _ => GoJson.Marshal(value),
            };
        }

        if (value is not JsonValue jv)
        {
            return null;
        }

        // cellForJSONValue: only values of the declared type are shown.
        switch (column.Type)
        {
            case "integer" when jv.GetValueKind() == JsonValueKind.Number:
                return jv.TryGetValue<long>(out var i) ? i : (long)jv.GetValue<double>();
            case "number" when jv.GetValueKind() == JsonValueKind.Number:
                return jv.GetValue<double>();
            case "boolean" when jv.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return jv.GetValue<bool>();
            case "date" when jv.TryGetValue<string>(out var text):
                return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
                    ? HumanDuration.Format(now - ts)
                    : "<invalid>";
            default:
                return null;
        }
    }

    // printEvent in pkg/printers/internalversion/printers.go.
    private static (JsonArray, CellsFor) EventColumns()
    {
        var defs = Defs(
            Col("Last Seen", "string", "Time when this Event was last seen"),
            Col("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future."),
            Col("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            Col("Object", "string", "The object that this event is about."),
            Col("Subobject", "string", "The subobject that this event is about.", 1),
            Col("Source", "string", "The component reporting this event. Should be a short machine understandable string.", 1),
            Col("Message", "string", "A human-readable description of the status of this operation."),
            Col("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", 1),
            Col("Count", "integer", "The number of times this event has occurred.", 1),
            NameColumn(1));
        return (defs, (o, now) =>
        {
            var eventsV1 = o["regarding"] is not null;
            var regarding = (eventsV1 ? o["regarding"] : o["involvedObject"]) as JsonObject ?? [];
            var first = Since(Str(o[eventsV1 ? "deprecatedFirstTimestamp" : "firstTimestamp"]), now);
            if (first is null)
            {
                first = Since(Str(o["eventTime"]), now) ?? "<unknown>";
            }

            var last = Since(Str(o[eventsV1 ? "deprecatedLastTimestamp" : "lastTimestamp"]), now) ?? first;
            var count = o[eventsV1 ? "deprecatedCount" : "count"] is JsonValue cv && cv.TryGetValue<long>(out var c) ? c : 0;
            if (o["series"] is JsonObject series)
            {
                last = Since(Str(series["lastObservedTime"]), now) ?? "<unknown>";
                count = series["count"] is JsonValue sc && sc.TryGetValue<long>(out var s) ? s : count;
            }
            else if (count == 0)
            {
                count = 1;
            }

            var kind = Str(regarding["kind"]).ToLowerInvariant();
            var target = Str(regarding["name"]).Length > 0 ? $"{kind}/{Str(regarding["name"])}" : kind;
            var source = (eventsV1 ? o["deprecatedSource"] : o["source"]) as JsonObject;
            var component = Str(source?["component"]);
            var host = Str(source?["host"]);
            if (component.Length == 0)
            {
                component = Str(o["reportingController"] ?? o["reportingComponent"]);
                host = Str(o["reportingInstance"]);
            }

            var sourceText = host.Length > 0 ? $"{component}, {host}" : component;
            var message = Str(o[eventsV1 ? "note" : "message"]).Trim();
            return [last, Str(o["type"]), Str(o["reason"]), target, Str(regarding["fieldPath"]), sourceText, message, first, count, Name(o)];
        }
        );
    }

    // printRoleBinding / printClusterRoleBinding: Role is "<kind>/<name>", subjects only with -o wide (rbac.SubjectsStrings).
    private static (JsonArray, CellsFor) BindingColumns() => (
        Defs(NameColumn(), Col("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."), AgeColumn(),
            Col("Users", "string", "Users in the binding", 1), Col("Groups", "string", "Groups in the binding", 1),
            Col("ServiceAccounts", "string", "ServiceAccounts in the binding", 1)),
        (o, now) =>
        {
            var users = new List<string>();
            var groups = new List<string>();
            var accounts = new List<string>();
            foreach (var subject in (o["subjects"] as JsonArray ?? []).OfType<JsonObject>())
            {
                switch (Str(subject["kind"]))
                {
                    case "User": users.Add(Str(subject["name"])); break;
                    case "Group": groups.Add(Str(subject["name"])); break;
                    case "ServiceAccount": accounts.Add($"{Str(subject["namespace"])}/{Str(subject["name"])}"); break;
                }
            }
            return [Name(o), $"{Str(o["roleRef"]?["kind"])}/{Str(o["roleRef"]?["name"])}", Age(o, now),
                string.Join(", ", users), string.Join(", ", groups), string.Join(", ", accounts)];
        }
    );

    // printDeployment: nothing runs pods here, so the status counts stay as the (absent) status reports them.
    private static (JsonArray, CellsFor) DeploymentColumns() => (
        Defs(NameColumn(), Col("Ready", "string", "Number of the pod with ready state"),
            Col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
            Col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
            AgeColumn(), Col("Containers", "string", "Names of each container in the template.", 1),
            Col("Images", "string", "Images referenced by each container in the template.", 1),
            Col("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", 1)),
        (o, now) =>
        {
            var spec = o["spec"] as JsonObject ?? [];
            var status = o["status"] as JsonObject ?? [];
            var desired = spec["replicas"] is null ? 1 : Long(spec["replicas"]);
            var containers = (spec["template"]?["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            return [Name(o), $"{Long(status["readyReplicas"])}/{desired}", Long(status["updatedReplicas"]), Long(status["availableReplicas"]),
                Age(o, now), string.Join(",", containers.Select(c => Str(c["name"]))), string.Join(",", containers.Select(c => Str(c["image"]))),
                SelectorText(spec["selector"] as JsonObject)];
        }
    );

    // printStatefulSet: nothing runs pods here, so Ready shows the (absent) status's count.
    private static (JsonArray, CellsFor) StatefulSetColumns() => (
        Defs(NameColumn(), Col("Ready", "string", "Number of the pod with ready state"), AgeColumn(),
            Col("Containers", "string", "Names of each container in the template.", 1),
            Col("Images", "string", "Images referenced by each container in the template.", 1)),
        (o, now) =>
        {
            var spec = o["spec"] as JsonObject ?? [];
            var status = o["status"] as JsonObject ?? [];
            var desired = spec["replicas"] is null ? 1 : Long(spec["replicas"]);
            var containers = (spec["template"]?["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            return [Name(o), $"{Long(status["readyReplicas"])}/{desired}", Age(o, now),
                string.Join(",", containers.Select(c => Str(c["name"]))), string.Join(",", containers.Select(c => Str(c["image"])))];
        }
    );

    // printDaemonSet: the counts come from the (absent) status.
    private static (JsonArray, CellsFor) DaemonSetColumns() => (
        Defs(NameColumn(), Col("Desired", "integer", "The total number of nodes that should be running the daemon pod."),
            Col("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
            Col("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
            Col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
            Col("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
            Col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node."), AgeColumn(),
            Col("Containers", "string", "Names of each container in the template.", 1),
            Col("Images", "string", "Images referenced by each container in the template.", 1),
            Col("Selector", "string", "A label query over pods that are managed by the daemon set.", 1)),
        (o, now) =>
        {
            var spec = o["spec"] as JsonObject ?? [];
            var status = o["status"] as JsonObject ?? [];
            var template = spec["template"]?["spec"] as JsonObject ?? [];
            var containers = (template["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var nodeSelector = template["nodeSelector"] is JsonObject ns && ns.Count > 0
                ? string.Join(",", ns.Select(e => $"{e.Key}={Str(e.Value)}"))
                : "<none>";
            return [Name(o), Long(status["desiredNumberScheduled"]), Long(status["currentNumberScheduled"]), Long(status["numberReady"]),
                Long(status["updatedNumberScheduled"]), Long(status["numberAvailable"]), nodeSelector, Age(o, now),
                string.Join(",", containers.Select(c => Str(c["name"]))), string.Join(",", containers.Select(c => Str(c["image"]))),
                SelectorText(spec["selector"] as JsonObject)];
        }
    );

    // printService: no IP allocation here, so Cluster-IP shows what the object carries.
    private static (JsonArray, CellsFor) ServiceColumns() => (
        Defs(NameColumn(), Col("Type", "string", "type determines how the Service is exposed."),
            Col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
            Col("External-IP", "string", "List of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            Col("Port(s)", "string", "The list of ports that are exposed by this service."), AgeColumn(),
            Col("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.", 1)),
        (o, now) =>
        {
            var spec = o["spec"] as JsonObject ?? [];
            var type = Str(spec["type"]) is { Length: > 0 } t ? t : "ClusterIP";
            var clusterIp = Str(spec["clusterIP"]) is { Length: > 0 } ip ? ip : "<none>";
            var external = spec["externalIPs"] is JsonArray { Count: > 0 } ips ? string.Join(",", ips.Select(Str))
                : type == "ExternalName" ? Str(spec["externalName"])
                : type == "LoadBalancer" ? "<pending>" : "<none>";
            var ports = (spec["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p =>
            {
                var protocol = Str(p["protocol"]) is { Length: > 0 } pr ? pr : "TCP";
                return p["nodePort"] is null ? $"{Long(p["port"])}/{protocol}" : $"{Long(p["port"])}:{Long(p["nodePort"])}/{protocol}";
            }).ToList();
            var selector = spec["selector"] is JsonObject { Count: > 0 } sel
                ? string.Join(",", sel.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={Str(kv.Value)}"))
                : "<none>";
            return [Name(o), type, clusterIp, external, ports.Count > 0 ? string.Join(",", ports) : "<none>", Age(o, now), selector];
        }
    );

    // metav1.FormatLabelSelector.
    private static string SelectorText(JsonObject? selector)
    {
        if (selector is null)
        {
            return "<none>";
        }
        var parts = new List<string>();
        foreach (var kv in (selector["matchLabels"] as JsonObject ?? []).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            parts.Add($"{kv.Key}={Str(kv.Value)}");
        }
        foreach (var e in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var values = string.Join(",", (e["values"] as JsonArray ?? []).Select(Str));
            parts.Add(Str(e["operator"]) switch
            {
                "In" => $"{Str(e["key"])} in ({values})",
                "NotIn" => $"{Str(e["key"])} notin ({values})",
                "Exists" => Str(e["key"]),
                "DoesNotExist" => "!" + Str(e["key"]),
                var op => $"{Str(e["key"])} {op} ({values})",
            });
        }
        return parts.Count == 0 ? "<none>" : string.Join(",", parts);
    }

    // A defaulted field is an int node until the object is read back from storage: both count.
    private static long Long(JsonNode? n) =>
        n is JsonValue v && (v.TryGetValue<long>(out var l) || (v.TryGetValue<int>(out var i) && (l = i) == i)) ? l : 0;

    private static string? IntOrString(JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => null,
    };

    private static JsonObject NameColumn(int priority = 0) => Col("Name", "string", NameDescription, priority, "name");

    private static JsonObject AgeColumn() => Col("Age", "string", CreationTimestampDescription);

    private static JsonObject Col(string name, string type, string description, int priority = 0, string format = "") => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private static JsonArray Defs(params JsonObject[] columns) => [.. columns];

    private static string Name(JsonObject o) => Str(o["metadata"]?["name"]);

    private static string Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

    private static long Count(JsonNode? n) => n is JsonObject o ? o.Count : 0;

    private static string Age(JsonObject o, DateTimeOffset now) =>
        Since(Str(o["metadata"]?["creationTimestamp"]), now) ?? "<unknown>";

    private static string? Since(string timestamp, DateTimeOffset now) =>
        timestamp.Length > 0 && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
            ? HumanDuration.Format(now - ts)
            : null;

    // registry/rest/table.go: the creation time as RFC3339, printed verbatim by kubectl.
    private static string CreatedAt(JsonObject o)
    {
        var text = Str(o["metadata"]?["creationTimestamp"]);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
            ? ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "0001-01-01T00:00:00Z";
    }
}
