using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.OpenApi;

/// <summary>
/// The apimachinery meta/v1 schemas every group-version document references (ObjectMeta, ListMeta, Status, ...),
/// with kube's descriptions so <c>kubectl explain &lt;kind&gt;.metadata</c> reads as it does against a cluster.
/// </summary>
internal static class StandardSchemas
{
    public const string Prefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    public const string ObjectMeta = Prefix + "ObjectMeta";
    public const string ListMeta = Prefix + "ListMeta";
    public const string Status = Prefix + "Status";
    public const string DeleteOptions = Prefix + "DeleteOptions";
    public const string Patch = Prefix + "Patch";
    public const string Time = Prefix + "Time";
    public const string OwnerReference = Prefix + "OwnerReference";
    public const string ManagedFieldsEntry = Prefix + "ManagedFieldsEntry";

    public const string ApiVersionDescription =
        "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";

    public const string KindDescription =
        "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

    public const string MetadataDescription =
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public const string ListMetadataDescription =
        "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#lists-and-simple-types";

    public static JsonObject Ref(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    /// <summary>kube wraps a $ref that carries its own description in allOf.</summary>
    public static JsonObject RefWithDescription(string name, string description, JsonNode? defaultValue = null)
    {
        var o = new JsonObject
        {
            ["allOf"] = new JsonArray(Ref(name)),
            ["description"] = description,
        };
        if (defaultValue is not null)
        {
            o["default"] = defaultValue;
        }

        return o;
    }

    private static JsonObject Str(string description) => new() { ["type"] = "string", ["description"] = description };

    private static JsonObject StrMap(string description) => new()
    {
        ["type"] = "object",
        ["description"] = description,
        ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = string.Empty },
    };

    public static void AddTo(JsonObject schemas)
    {
        schemas[Time] = new JsonObject
        {
            ["type"] = "string",
            ["format"] = "date-time",
            ["description"] = "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.",
        };
        schemas[OwnerReference] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.",
            ["required"] = new JsonArray("apiVersion", "kind", "name", "uid"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = Str("API version of the referent."),
                ["blockOwnerDeletion"] = new JsonObject { ["type"] = "boolean", ["description"] = "If true, AND if the owner has the \"foregroundDeletion\" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed." },
                ["controller"] = new JsonObject { ["type"] = "boolean", ["description"] = "If true, this reference points to the managing controller." },
                ["kind"] = Str("Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"),
                ["name"] = Str("Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"),
                ["uid"] = Str("UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids"),
            },
            ["x-kubernetes-map-type"] = "atomic",
        };
        schemas[ManagedFieldsEntry] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = Str("APIVersion defines the version of this resource that this field set applies to."),
                ["fieldsType"] = Str("FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: \"FieldsV1\""),
                ["fieldsV1"] = new JsonObject { ["type"] = "object", ["description"] = "FieldsV1 holds the first JSON version format as described in the \"FieldsV1\" type." },
                ["manager"] = Str("Manager is an identifier of the workflow managing these fields."),
                ["operation"] = Str("Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'."),
                ["subresource"] = Str("Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource."),
                ["time"] = RefWithDescription(Time, "Time is the timestamp of when the ManagedFields entry was added."),
            },
        };
        schemas[ObjectMeta] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ["properties"] = new JsonObject
            {
                ["annotations"] = StrMap("Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations"),
                ["creationTimestamp"] = RefWithDescription(Time, "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"),
                ["deletionGracePeriodSeconds"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. May only be shortened. Read-only." },
                ["deletionTimestamp"] = RefWithDescription(Time, "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. This field is set by the server when a graceful deletion is requested by the user, and is not directly settable by a client."),
                ["finalizers"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list. If the deletionTimestamp of the object is non-nil, entries in this list can only be removed.",
                    ["items"] = new JsonObject { ["type"] = "string", ["default"] = string.Empty },
                    ["x-kubernetes-list-type"] = "set",
                    ["x-kubernetes-patch-strategy"] = "merge",
                },
                ["generateName"] = Str("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided. If this field is used, the name returned to the client will be different than the name passed. This value will also be combined with a unique suffix. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#idempotency"),
                ["generation"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "A sequence number representing a specific generation of the desired state. Populated by the system. Read-only." },
                ["labels"] = StrMap("Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels"),
                ["managedFields"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn't need to set or understand this field.",
                    ["items"] = RefWithDescription(ManagedFieldsEntry, string.Empty, new JsonObject()),
                    ["x-kubernetes-list-type"] = "atomic",
                },
                ["name"] = Str("Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"),
                ["namespace"] = Str("Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the \"default\" namespace, but \"default\" is the canonical representation. Not all objects are required to be scoped to a namespace - the value of this field for those objects will be empty.\n\nMust be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces"),
                ["ownerReferences"] = new JsonObject
                {
                    ["type"] = "array",
                    ["description"] = "List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected. If this object is managed by a controller, then an entry in this list will point to this controller, with the controller field set to true. There cannot be more than one managing controller.",
                    ["items"] = RefWithDescription(OwnerReference, string.Empty, new JsonObject()),
                    ["x-kubernetes-list-map-keys"] = new JsonArray("uid"),
                    ["x-kubernetes-list-type"] = "map",
                    ["x-kubernetes-patch-merge-key"] = "uid",
                    ["x-kubernetes-patch-strategy"] = "merge",
                },
                ["resourceVersion"] = Str("An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. May be used for optimistic concurrency, change detection, and the watch operation on a resource or set of resources. Clients must treat these values as opaque and passed unmodified back to the server. They may only be valid for a particular resource or set of resources.\n\nPopulated by the system. Read-only. Value must be treated as opaque by clients and . More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency"),
                ["selfLink"] = Str("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
                ["uid"] = Str("UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.\n\nPopulated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids"),
            },
        };
        schemas[ListMeta] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "ListMeta describes metadata that synthetic resources must have, including lists and various status objects. A resource may have only one of {ObjectMeta, ListMeta}.",
            ["properties"] = new JsonObject
            {
                ["continue"] = Str("continue may be set if the user set a limit on the number of items returned, and indicates that the server has more data available. The value is opaque and may be used to issue another request to the endpoint that served this list to retrieve the next set of available objects."),
                ["remainingItemCount"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "remainingItemCount is the number of subsequent items in the list which are not included in this list response." },
                ["resourceVersion"] = Str("String that identifies the server's internal version of this object that can be used by clients to determine when objects have changed. Value must be treated as opaque by clients and passed unmodified back to the server. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency"),
                ["selfLink"] = Str("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
            },
        };
        schemas[Status] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Status is a return value for calls that don't return other objects.",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = Str(ApiVersionDescription),
                ["code"] = new JsonObject { ["type"] = "integer", ["format"] = "int32", ["description"] = "Suggested HTTP return code for this status, 0 if not set." },
                ["details"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true, ["description"] = "Extended data associated with the reason." },
                ["kind"] = Str(KindDescription),
                ["message"] = Str("A human-readable description of the status of this operation."),
                ["metadata"] = RefWithDescription(ListMeta, ListMetadataDescription, new JsonObject()),
                ["reason"] = Str("A machine-readable description of why this operation is in the \"Failure\" status. If this value is empty there is no information available."),
                ["status"] = Str("Status of the operation. One of: \"Success\" or \"Failure\"."),
            },
            ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = string.Empty, ["kind"] = "Status", ["version"] = "v1" }),
        };
        schemas[DeleteOptions] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "DeleteOptions may be provided when deleting an API object.",
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = Str(ApiVersionDescription),
                ["dryRun"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" }, ["description"] = "When present, indicates that modifications should not be persisted." },
                ["gracePeriodSeconds"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "The duration in seconds before the object should be deleted." },
                ["kind"] = Str(KindDescription),
                ["orphanDependents"] = new JsonObject { ["type"] = "boolean", ["description"] = "Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7." },
                ["preconditions"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true, ["description"] = "Must be fulfilled before a deletion is carried out." },
                ["propagationPolicy"] = Str("Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
            },
        };
        schemas[Patch] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
        };
    }
}
