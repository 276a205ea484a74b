using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.OpenApi;

/// <summary>
/// OpenAPI v3 schemas of the built-in kinds the server stores, with kube's list semantics
/// (<c>x-kubernetes-patch-strategy</c>, <c>x-kubernetes-patch-merge-key</c>, <c>x-kubernetes-list-type</c>) taken from
/// the <c>patchStrategy</c>/<c>listType</c> tags of <c>k8s.io/api</c> (core/v1, apps/v1, rbac/v1, ...). kubectl
/// computes client-side apply patches from these documents (<c>apimachinery/pkg/util/strategicpatch/meta.go</c>,
/// PatchMetaFromOpenAPIV3): a field it cannot find makes it warn and fall back to its compiled-in types, and a wrong
/// strategy would silently change the patch, so every field given here carries kube's strategy; fields left out
/// only cost the warning.
/// </summary>
internal static class BuiltInSchemas
{
    /// <summary>The schema (without apiVersion/kind/metadata, which the builder adds) or null for unknown kinds.</summary>
    public static JsonObject? For(ApiResourceInfo r) => (r.Group, r.Kind) switch
    {
        ("", "ConfigMap") => Obj("ConfigMap holds configuration data for pods to consume.", new()
        {
            ["data"] = StrMap("Data contains the configuration data."),
            ["binaryData"] = ByteMap("BinaryData contains the binary data."),
            ["immutable"] = Bool("Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated."),
        }),
        ("", "Secret") => Obj("Secret holds secret data of a certain type.", new()
        {
            ["data"] = ByteMap("Data contains the secret data, base64 encoded."),
            ["stringData"] = StrMap("stringData allows specifying non-binary secret data in string form. It is never output when reading from the API."),
            ["type"] = Str("Used to facilitate programmatic handling of secret data."),
            ["immutable"] = Bool("Immutable, if set to true, ensures that data stored in the Secret cannot be updated."),
        }),
        ("", "Namespace") => Obj("Namespace provides a scope for Names.", new()
        {
            ["spec"] = Obj("NamespaceSpec describes the attributes on a Namespace.", new()
            {
                ["finalizers"] = Atomic(Str(null), "Finalizers is an opaque list of values that must be empty to permanently remove object from storage."),
            }),
            ["status"] = Obj("NamespaceStatus is information about the current status of a Namespace.", new()
            {
                ["phase"] = Str("Phase is the current lifecycle phase of the namespace."),
                ["conditions"] = Conditions(),
            }),
        }),
        ("", "ServiceAccount") => Obj("ServiceAccount binds together a name, a principal that can be authenticated and a set of secrets.", new()
        {
            ["secrets"] = MergeList(ObjectReference(), "name", "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.", listType: null),
            ["imagePullSecrets"] = Atomic(LocalObjectReference(), "ImagePullSecrets is a list of references to secrets for pulling images."),
            ["automountServiceAccountToken"] = Bool("AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."),
        }),
        ("", "Service") => Obj("Service is a named abstraction of software service.", new()
        {
            ["spec"] = ServiceSpec(),
            ["status"] = Obj("ServiceStatus represents the current status of a service.", new()
            {
                ["loadBalancer"] = Obj(null, new() { ["ingress"] = Atomic(Preserved(), null) }),
                ["conditions"] = Conditions(),
            }),
        }),
        ("", "Event") => Obj("Event is a report of an event somewhere in the cluster.", CoreEventProperties()),
        ("events.k8s.io", "Event") => Obj("Event is a report of an event somewhere in the cluster.", EventsV1Properties()),
        ("coordination.k8s.io", "Lease") => Obj("Lease defines a lease concept.", new()
        {
            ["spec"] = Obj("LeaseSpec is a specification of a Lease.", new()
            {
                ["holderIdentity"] = Str("holderIdentity contains the identity of the holder of a current lease."),
                ["leaseDurationSeconds"] = Int("leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.", "int32"),
                ["acquireTime"] = MicroTime("acquireTime is a time when the current lease was acquired."),
                ["renewTime"] = MicroTime("renewTime is a time when the current holder of a lease has last updated the lease."),
                ["leaseTransitions"] = Int("leaseTransitions is the number of transitions of a lease between holders.", "int32"),
                ["strategy"] = Str("Strategy indicates the strategy for picking the leader for coordinated leader election."),
                ["preferredHolder"] = Str("PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up."),
            }),
        }),
        ("rbac.authorization.k8s.io", "Role") => Obj("Role is a namespaced, logical grouping of PolicyRules.", new()
        {
            ["rules"] = Atomic(PolicyRule(), "Rules holds all the PolicyRules for this Role"),
        }),
        ("rbac.authorization.k8s.io", "ClusterRole") => Obj("ClusterRole is a cluster level, logical grouping of PolicyRules.", new()
        {
            ["rules"] = Atomic(PolicyRule(), "Rules holds all the PolicyRules for this ClusterRole"),
            ["aggregationRule"] = Obj("AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole", new()
            {
                ["clusterRoleSelectors"] = Atomic(LabelSelector(null), "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules."),
            }),
        }),
        ("rbac.authorization.k8s.io", "RoleBinding" or "ClusterRoleBinding") => Obj($"{r.Kind} references a role and contains a list of subjects.", new()
        {
            ["subjects"] = Atomic(Obj("Subject contains a reference to the object or user identities a role binding applies to.", new()
            {
                ["kind"] = Str("Kind of object being referenced."),
                ["apiGroup"] = Str("APIGroup holds the API group of the referenced subject."),
                ["name"] = Str("Name of the object being referenced."),
                ["namespace"] = Str("Namespace of the referenced object."),
            }, ["kind", "name"]), "Subjects holds references to the objects the role applies to."),
            ["roleRef"] = Obj("RoleRef contains information that points to the role being used", new()
            {
                ["apiGroup"] = Str("APIGroup is the group for the resource being referenced"),
                ["kind"] = Str("Kind is the type of resource being referenced"),
                ["name"] = Str("Name is the name of resource being referenced"),
            }, ["apiGroup", "kind", "name"], mapType: "atomic"),
        }, ["roleRef"]),
        ("apps", "StatefulSet") => Obj("StatefulSet represents a set of pods with consistent identities.", new()
        {
            ["spec"] = Obj("A StatefulSetSpec is the specification of a StatefulSet.", new()
            {
                ["replicas"] = Int("replicas is the desired number of replicas of the given Template.", "int32"),
                ["selector"] = LabelSelector("selector is a label query over pods that should match the replica count."),
                ["template"] = PodTemplateSpec(),
                ["volumeClaimTemplates"] = Atomic(Preserved(), "volumeClaimTemplates is a list of claims that pods are allowed to reference."),
                ["serviceName"] = Str("serviceName is the name of the service that governs this StatefulSet."),
                ["podManagementPolicy"] = Str("podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down."),
                ["updateStrategy"] = Obj("updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.", new()
                {
                    ["type"] = Str("Type indicates the type of the StatefulSetUpdateStrategy."),
                    ["rollingUpdate"] = Obj("RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.", new()
                    {
                        ["partition"] = Int("Partition indicates the ordinal at which the StatefulSet should be partitioned for updates.", "int32"),
                        ["maxUnavailable"] = IntOrString("The maximum number of pods that can be unavailable during the update."),
                    }),
                }),
                ["revisionHistoryLimit"] = Int("revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet's revision history.", "int32"),
                ["minReadySeconds"] = Int("Minimum number of seconds for which a newly created pod should be ready.", "int32"),
                ["persistentVolumeClaimRetentionPolicy"] = Obj("persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates.", new()
                {
                    ["whenDeleted"] = Str(null),
                    ["whenScaled"] = Str(null),
                }),
                ["ordinals"] = Obj(null, new() { ["start"] = Int(null, "int32") }),
            }, ["selector", "template"]),
            ["status"] = Obj("StatefulSetStatus represents the current state of a StatefulSet.", new()
            {
                ["observedGeneration"] = Int(null, "int64"),
                ["replicas"] = Int(null, "int32"),
                ["readyReplicas"] = Int(null, "int32"),
                ["currentReplicas"] = Int(null, "int32"),
                ["updatedReplicas"] = Int(null, "int32"),
                ["availableReplicas"] = Int(null, "int32"),
                ["currentRevision"] = Str(null),
                ["updateRevision"] = Str(null),
                ["collisionCount"] = Int(null, "int32"),
                ["conditions"] = Conditions(),
            }),
        }),
        ("apps", "DaemonSet") => Obj("DaemonSet represents the configuration of a daemon set.", new()
        {
            ["spec"] = Obj("DaemonSetSpec is the specification of a daemon set.", new()
            {
                ["selector"] = LabelSelector("A label query over pods that are managed by the daemon set."),
                ["template"] = PodTemplateSpec(),
                ["updateStrategy"] = Obj("An update strategy to replace existing DaemonSet pods with new pods.", new()
                {
                    ["type"] = Str("Type of daemon set update. Can be \"RollingUpdate\" or \"OnDelete\"."),
                    ["rollingUpdate"] = Obj("Rolling update config params.", new()
                    {
                        ["maxUnavailable"] = IntOrString("The maximum number of DaemonSet pods that can be unavailable during the update."),
                        ["maxSurge"] = IntOrString("The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update."),
                    }),
                }),
                ["minReadySeconds"] = Int("The minimum number of seconds for which a newly created DaemonSet pod should be ready.", "int32"),
                ["revisionHistoryLimit"] = Int("The number of old history to retain to allow rollback.", "int32"),
            }, ["selector", "template"]),
            ["status"] = Obj("DaemonSetStatus represents the current status of a daemon set.", new()
            {
                ["currentNumberScheduled"] = Int(null, "int32"),
                ["numberMisscheduled"] = Int(null, "int32"),
                ["desiredNumberScheduled"] = Int(null, "int32"),
                ["numberReady"] = Int(null, "int32"),
                ["observedGeneration"] = Int(null, "int64"),
                ["updatedNumberScheduled"] = Int(null, "int32"),
                ["numberAvailable"] = Int(null, "int32"),
                ["numberUnavailable"] = Int(null, "int32"),
                ["collisionCount"] = Int(null, "int32"),
                ["conditions"] = Conditions(),
            }),
        }),
        ("apps", "Deployment") => Obj("Deployment enables declarative updates for Pods and ReplicaSets.", new()
        {
            ["spec"] = Obj("DeploymentSpec is the specification of the desired behavior of the Deployment.", new()
            {
                ["replicas"] = Int("Number of desired pods.", "int32"),
                ["selector"] = LabelSelector("Label selector for pods."),
                ["template"] = PodTemplateSpec(),
                ["strategy"] = RetainKeys(Obj("The deployment strategy to use to replace existing pods with new ones.", new()
                {
                    ["type"] = Str("Type of deployment. Can be \"Recreate\" or \"RollingUpdate\"."),
                    ["rollingUpdate"] = Obj("Rolling update config params.", new()
                    {
                        ["maxUnavailable"] = IntOrString("The maximum number of pods that can be unavailable during the update."),
                        ["maxSurge"] = IntOrString("The maximum number of pods that can be scheduled above the desired number of pods."),
                    }),
                })),
                ["minReadySeconds"] = Int("Minimum number of seconds for which a newly created pod should be ready.", "int32"),
                ["revisionHistoryLimit"] = Int("The number of old ReplicaSets to retain to allow rollback.", "int32"),
                ["paused"] = Bool("Indicates that the deployment is paused."),
                ["progressDeadlineSeconds"] = Int("The maximum time in seconds for a deployment to make progress before it is considered to be failed.", "int32"),
            }, ["selector", "template"]),
            ["status"] = Obj("DeploymentStatus is the most recently observed status of the Deployment.", new()
            {
                ["observedGeneration"] = Int("The generation observed by the deployment controller.", "int64"),
                ["replicas"] = Int(null, "int32"),
                ["updatedReplicas"] = Int(null, "int32"),
                ["readyReplicas"] = Int(null, "int32"),
                ["availableReplicas"] = Int(null, "int32"),
                ["unavailableReplicas"] = Int(null, "int32"),
                ["conditions"] = Conditions(),
                ["collisionCount"] = Int(null, "int32"),
            }),
        }),
        ("policy", "PodDisruptionBudget") => Obj("PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods", new()
        {
            ["spec"] = Obj("PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.", new()
            {
                ["minAvailable"] = IntOrString("An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction."),
                ["maxUnavailable"] = IntOrString("An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction."),
                ["selector"] = LabelSelector("Label query over pods whose evictions are managed by the disruption budget."),
                ["unhealthyPodEvictionPolicy"] = Str("UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction."),
            }),
            ["status"] = Obj(null, new()
            {
                ["observedGeneration"] = Int(null, "int64"),
                ["disruptedPods"] = Obj(null, [], additional: new JsonObject { ["type"] = "string", ["format"] = "date-time" }),
                ["disruptionsAllowed"] = Int(null, "int32"),
                ["currentHealthy"] = Int(null, "int32"),
                ["desiredHealthy"] = Int(null, "int32"),
                ["expectedPods"] = Int(null, "int32"),
                ["conditions"] = Conditions(),
            }),
        }),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => CustomResourceDefinition(),
        ("authorization.k8s.io", "SelfSubjectAccessReview") => Obj("SelfSubjectAccessReview checks whether or the current user can perform an action.", new()
        {
            ["spec"] = Obj("SelfSubjectAccessReviewSpec is a description of the access request.", new()
            {
                ["resourceAttributes"] = ResourceAttributes(),
                ["nonResourceAttributes"] = NonResourceAttributes(),
            }),
            ["status"] = AccessReviewStatus(),
        }, ["spec"]),
        ("authorization.k8s.io", "SubjectAccessReview") => Obj("SubjectAccessReview checks whether or not a user or group can perform an action.", new()
        {
            ["spec"] = Obj("SubjectAccessReviewSpec is a description of the access request.", new()
            {
                ["resourceAttributes"] = ResourceAttributes(),
                ["nonResourceAttributes"] = NonResourceAttributes(),
                ["user"] = Str("User is the user you're testing for."),
                ["groups"] = Atomic(Str(null), "Groups is the groups you're testing for."),
                ["extra"] = Described(new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = Str(null) } }, "Extra corresponds to the user.Info.GetExtra() method from the authenticator."),
                ["uid"] = Str("UID information about the requesting user."),
            }),
            ["status"] = AccessReviewStatus(),
        }, ["spec"]),
        ("authorization.k8s.io", "SelfSubjectRulesReview") => Obj("SelfSubjectRulesReview enumerates the set of actions the current user can perform within a namespace.", new()
        {
            ["spec"] = Obj("SelfSubjectRulesReviewSpec defines the specification for SelfSubjectRulesReview.", new()
            {
                ["namespace"] = Str("Namespace to evaluate rules for. Required."),
            }),
            ["status"] = Obj("SubjectRulesReviewStatus contains the result of a rules check.", new()
            {
                ["resourceRules"] = Atomic(Obj("ResourceRule is the list of actions the subject is allowed to perform on resources.", new()
                {
                    ["verbs"] = Atomic(Str(null), "Verb is a list of kubernetes resource API verbs."),
                    ["apiGroups"] = Atomic(Str(null), "APIGroups is the name of the APIGroup that contains the resources."),
                    ["resources"] = Atomic(Str(null), "Resources is a list of resources this rule applies to."),
                    ["resourceNames"] = Atomic(Str(null), "ResourceNames is an optional white list of names that the rule applies to."),
                }, ["verbs"]), "ResourceRules is the list of actions the subject is allowed to perform on resources."),
                ["nonResourceRules"] = Atomic(Obj("NonResourceRule holds information that describes a rule for the non-resource", new()
                {
                    ["verbs"] = Atomic(Str(null), "Verb is a list of kubernetes non-resource API verbs."),
                    ["nonResourceURLs"] = Atomic(Str(null), "NonResourceURLs is a set of partial urls that a user should have access to."),
                }, ["verbs"]), "NonResourceRules is the list of actions the subject is allowed to perform on non-resources."),
                ["incomplete"] = Bool("Incomplete is true when the rules returned by this call are incomplete."),
                ["evaluationError"] = Str("EvaluationError can appear in combination with Rules."),
            }, ["resourceRules", "nonResourceRules", "incomplete"]),
        }, ["spec"]),
        ("authentication.k8s.io", "TokenReview") => Obj("TokenReview attempts to authenticate a token to a known user.", new()
        {
            ["spec"] = Obj("TokenReviewSpec is a description of the token authentication request.", new()
            {
                ["token"] = Str("Token is the opaque bearer token."),
                ["audiences"] = Atomic(Str(null), "Audiences is a list of the identifiers that the resource server presented with the token identifies as."),
            }),
            ["status"] = Obj("TokenReviewStatus is the result of the token authentication request.", new()
            {
                ["authenticated"] = Bool("Authenticated indicates that the token was associated with a known user."),
                ["user"] = AuthenticatedUser(),
                ["audiences"] = Atomic(Str(null), "Audiences are audience identifiers chosen by the authenticator that are compatible with both the TokenReview and token."),
                ["error"] = Str("Error indicates that the token couldn't be checked"),
            }),
        }, ["spec"]),
        ("authentication.k8s.io", "SelfSubjectReview") => Obj("SelfSubjectReview contains the user information that the kube-apiserver has about the user making this request.", new()
        {
            ["status"] = Obj("SelfSubjectReviewStatus is filled by the kube-apiserver and sent back to a user.", new()
            {
                ["userInfo"] = AuthenticatedUser(),
            }),
        }),
        _ => null,
    };

    // ------------------------------------------------------------------ shared pieces

    private static JsonObject ResourceAttributes() => Obj("ResourceAttributes includes the authorization attributes available for resource requests to the Authorizer interface", new()
    {
        ["namespace"] = Str("Namespace is the namespace of the action being requested."),
        ["verb"] = Str("Verb is a kubernetes resource API verb, like: get, list, watch, create, update, delete, proxy.  \"*\" means all."),
        ["group"] = Str("Group is the API Group of the Resource.  \"*\" means all."),
        ["version"] = Str("Version is the API Version of the Resource.  \"*\" means all."),
        ["resource"] = Str("Resource is one of the existing resource types.  \"*\" means all."),
        ["subresource"] = Str("Subresource is one of the existing resource types.  \"\" means none."),
        ["name"] = Str("Name is the name of the resource being requested for a \"get\" or deleted for a \"delete\". \"\" (empty) means all."),
        ["fieldSelector"] = SelectorAttributes("fieldSelector describes the limitation on access based on field."),
        ["labelSelector"] = SelectorAttributes("labelSelector describes the limitation on access based on labels."),
    });

    private static JsonObject SelectorAttributes(string description) => Obj(description, new()
    {
        ["rawSelector"] = Str("rawSelector is the serialization of a selector that would be included in a query parameter."),
        ["requirements"] = Atomic(Obj(null, new()
        {
            ["key"] = Str(null),
            ["operator"] = Str(null),
            ["values"] = Atomic(Str(null), null),
        }, ["key", "operator"]), "requirements is the parsed interpretation of a selector."),
    });

    private static JsonObject NonResourceAttributes() => Obj("NonResourceAttributes includes the authorization attributes available for non-resource requests to the Authorizer interface", new()
    {
        ["path"] = Str("Path is the URL path of the request"),
        ["verb"] = Str("Verb is the standard HTTP verb"),
    });

    private static JsonObject AccessReviewStatus() => Obj("SubjectAccessReviewStatus", new()
    {
        ["allowed"] = Bool("Allowed is required. True if the action would be allowed, false otherwise."),
        ["denied"] = Bool("Denied is optional. True if the action would be denied, otherwise false."),
        ["reason"] = Str("Reason is optional.  It indicates why a request was allowed or denied."),
        ["evaluationError"] = Str("EvaluationError is an indication that some error occurred during the authorization check."),
    }, ["allowed"]);

    private static JsonObject AuthenticatedUser() => Obj("UserInfo holds the information about the user needed to implement the user.Info interface.", new()
    {
        ["username"] = Str("The name that uniquely identifies this user among all active users."),
        ["uid"] = Str("A unique value that identifies this user across time."),
        ["groups"] = Atomic(Str(null), "The names of groups this user is a part of."),
        ["extra"] = Described(new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = Str(null) } }, "Any additional information provided by the authenticator."),
    });

    private static JsonObject CustomResourceDefinition() => Obj("CustomResourceDefinition represents a resource that should be exposed on the API server.", new()
    {
        ["spec"] = Obj("CustomResourceDefinitionSpec describes how a user wants their resource to appear", new()
        {
            ["group"] = Str("group is the API group of the defined custom resource."),
            ["names"] = CrdNames(),
            ["scope"] = Str("scope indicates whether the defined custom resource is cluster- or namespace-scoped."),
            ["versions"] = Atomic(Obj("CustomResourceDefinitionVersion describes a version for CRD.", new()
            {
                ["name"] = Str("name is the version name."),
                ["served"] = Bool("served is a flag enabling/disabling this version from being served via REST APIs"),
                ["storage"] = Bool("storage indicates this version should be used when persisting custom resources to storage."),
                ["deprecated"] = Bool("deprecated indicates this version of the custom resource API is deprecated."),
                ["deprecationWarning"] = Str("deprecationWarning overrides the default warning returned to API clients."),
                ["schema"] = Obj("schema describes the schema used for validation, pruning, and defaulting of this version of the custom resource.", new()
                {
                    ["openAPIV3Schema"] = Preserved("openAPIV3Schema is the OpenAPI v3 schema to use for validation and pruning."),
                }),
                ["subresources"] = Obj("subresources specify what subresources this version of the defined custom resource have.", new()
                {
                    ["status"] = Preserved("status indicates the custom resource should serve a `/status` subresource."),
                    ["scale"] = Obj("scale indicates the custom resource should serve a `/scale` subresource.", new()
                    {
                        ["specReplicasPath"] = Str(null),
                        ["statusReplicasPath"] = Str(null),
                        ["labelSelectorPath"] = Str(null),
                    }),
                }),
                ["additionalPrinterColumns"] = Atomic(Obj(null, new()
                {
                    ["name"] = Str("name is a human readable name for the column."),
                    ["type"] = Str("type is an OpenAPI type definition for this column."),
                    ["format"] = Str("format is an optional OpenAPI type definition for this column."),
                    ["description"] = Str("description is a human readable description of this column."),
                    ["priority"] = Int("priority is an integer defining the relative importance of this column compared to others.", "int32"),
                    ["jsonPath"] = Str("jsonPath is a simple JSON path evaluated against each custom resource to produce the value for this column."),
                }, ["name", "type", "jsonPath"]), "additionalPrinterColumns specifies additional columns returned in Table output."),
                ["selectableFields"] = Atomic(Obj(null, new() { ["jsonPath"] = Str(null) }, ["jsonPath"]), "selectableFields specifies paths to fields that may be used as field selectors."),
            }, ["name", "served", "storage"]), "versions is the list of all API versions of the defined custom resource."),
            ["conversion"] = Obj("conversion defines conversion settings for the CRD.", new()
            {
                ["strategy"] = Str("strategy specifies how custom resources are converted between versions."),
                ["webhook"] = Obj("webhook describes how to call the conversion webhook.", new()
                {
                    ["clientConfig"] = Obj(null, new()
                    {
                        ["url"] = Str(null),
                        ["caBundle"] = new JsonObject { ["type"] = "string", ["format"] = "byte" },
                        ["service"] = Obj(null, new()
                        {
                            ["namespace"] = Str(null),
                            ["name"] = Str(null),
                            ["path"] = Str(null),
                            ["port"] = Int(null, "int32"),
                        }, ["namespace", "name"]),
                    }),
                    ["conversionReviewVersions"] = Atomic(Str(null), null),
                }, ["conversionReviewVersions"]),
            }, ["strategy"]),
            ["preserveUnknownFields"] = Bool("preserveUnknownFields indicates that object fields which are not specified in the OpenAPI schema should be preserved when persisting to storage."),
        }, ["group", "names", "scope", "versions"]),
        ["status"] = Obj("CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition", new()
        {
            ["conditions"] = MapList(Obj(null, new()
            {
                ["type"] = Str(null),
                ["status"] = Str(null),
                ["lastTransitionTime"] = Time(null),
                ["reason"] = Str(null),
                ["message"] = Str(null),
            }, ["type", "status"]), ["type"], null),
            ["acceptedNames"] = CrdNames(),
            ["storedVersions"] = Atomic(Str(null), null),
        }),
    }, ["spec"]);

    private static JsonObject CrdNames() => Obj("CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition", new()
    {
        ["plural"] = Str(null),
        ["singular"] = Str(null),
        ["shortNames"] = Atomic(Str(null), null),
        ["kind"] = Str(null),
        ["listKind"] = Str(null),
        ["categories"] = Atomic(Str(null), null),
    }, ["plural", "kind"]);

    private static JsonObject ServiceSpec() => Obj("ServiceSpec describes the attributes that a user creates on a service.", new()
    {
        ["ports"] = MergeList(Obj("ServicePort contains information on service's port.", new()
        {
            ["name"] = Str(null),
            ["protocol"] = Str(null),
            ["appProtocol"] = Str(null),
            ["port"] = Int(null, "int32"),
            ["targetPort"] = IntOrString(null),
            ["nodePort"] = Int(null, "int32"),
        }, ["port"]), "port", "The list of ports that are exposed by this service.", listType: "map", mapKeys: ["port", "protocol"]),
        ["selector"] = StrMap("Route service traffic to pods with label keys and values matching this selector.", mapType: "atomic"),
        ["clusterIP"] = Str(null),
        ["clusterIPs"] = Atomic(Str(null), null),
        ["type"] = Str(null),
        ["externalIPs"] = Atomic(Str(null), null),
        ["sessionAffinity"] = Str(null),
        ["loadBalancerIP"] = Str(null),
        ["loadBalancerSourceRanges"] = Atomic(Str(null), null),
        ["externalName"] = Str(null),
        ["externalTrafficPolicy"] = Str(null),
        ["healthCheckNodePort"] = Int(null, "int32"),
        ["publishNotReadyAddresses"] = Bool(null),
        ["sessionAffinityConfig"] = Obj(null, new() { ["clientIP"] = Obj(null, new() { ["timeoutSeconds"] = Int(null, "int32") }) }),
        ["ipFamilies"] = Atomic(Str(null), null),
        ["ipFamilyPolicy"] = Str(null),
        ["allocateLoadBalancerNodePorts"] = Bool(null),
        ["loadBalancerClass"] = Str(null),
        ["internalTrafficPolicy"] = Str(null),
        ["trafficDistribution"] = Str(null),
    });

    private static JsonObject PodTemplateSpec() => Obj("Template describes the pods that will be created.", new()
    {
        ["metadata"] = StandardSchemas.RefWithDescription(StandardSchemas.ObjectMeta, StandardSchemas.MetadataDescription, new JsonObject()),
        ["spec"] = PodSpec(),
    });

    // core/v1 PodSpec: the fields an operator's manifests use, with their patch strategies.
    private static JsonObject PodSpec() => Obj("PodSpec is a description of a pod.", new()
    {
        ["volumes"] = MergeList(Volume(), "name", "List of volumes that can be mounted by containers belonging to the pod.", listType: "map", mapKeys: ["name"], retainKeys: true),
        ["initContainers"] = MergeList(Container(), "name", "List of initialization containers belonging to the pod.", listType: "map", mapKeys: ["name"]),
        ["containers"] = MergeList(Container(), "name", "List of containers belonging to the pod.", listType: "map", mapKeys: ["name"]),
        ["restartPolicy"] = Str(null),
        ["terminationGracePeriodSeconds"] = Int(null, "int64"),
        ["activeDeadlineSeconds"] = Int(null, "int64"),
        ["dnsPolicy"] = Str(null),
        ["nodeSelector"] = StrMap(null, mapType: "atomic"),
        ["serviceAccountName"] = Str(null),
        ["serviceAccount"] = Str(null),
        ["automountServiceAccountToken"] = Bool(null),
        ["nodeName"] = Str(null),
        ["hostNetwork"] = Bool(null),
        ["hostPID"] = Bool(null),
        ["hostIPC"] = Bool(null),
        ["shareProcessNamespace"] = Bool(null),
        ["securityContext"] = Obj("PodSecurityContext holds pod-level security attributes.", new()
        {
            ["runAsUser"] = Int(null, "int64"),
            ["runAsGroup"] = Int(null, "int64"),
            ["runAsNonRoot"] = Bool(null),
            ["fsGroup"] = Int(null, "int64"),
            ["fsGroupChangePolicy"] = Str(null),
            ["supplementalGroups"] = Atomic(Int(null, "int64"), null),
            ["seccompProfile"] = SeccompProfile(),
        }),
        ["imagePullSecrets"] = MergeList(LocalObjectReference(), "name", null, listType: "map", mapKeys: ["name"]),
        ["hostname"] = Str(null),
        ["subdomain"] = Str(null),
        ["schedulerName"] = Str(null),
        ["tolerations"] = Atomic(Obj(null, new()
        {
            ["key"] = Str(null),
            ["operator"] = Str(null),
            ["value"] = Str(null),
            ["effect"] = Str(null),
            ["tolerationSeconds"] = Int(null, "int64"),
        }), null),
        ["priorityClassName"] = Str(null),
        ["priority"] = Int(null, "int32"),
        ["runtimeClassName"] = Str(null),
        ["enableServiceLinks"] = Bool(null),
        ["preemptionPolicy"] = Str(null),
        ["setHostnameAsFQDN"] = Bool(null),
        ["hostUsers"] = Bool(null),
    }, ["containers"]);

    private static JsonObject Container() => Obj("A single application container that you want to run within a pod.", new()
    {
        ["name"] = Str(null),
        ["image"] = Str(null),
        ["command"] = Atomic(Str(null), null),
        ["args"] = Atomic(Str(null), null),
        ["workingDir"] = Str(null),
        ["ports"] = MergeList(Obj(null, new()
        {
            ["name"] = Str(null),
            ["hostPort"] = Int(null, "int32"),
            ["containerPort"] = Int(null, "int32"),
            ["protocol"] = Str(null),
            ["hostIP"] = Str(null),
        }, ["containerPort"]), "containerPort", null, listType: "map", mapKeys: ["containerPort", "protocol"]),
        ["env"] = MergeList(Obj(null, new()
        {
            ["name"] = Str(null),
            ["value"] = Str(null),
            ["valueFrom"] = Obj(null, new()
            {
                ["fieldRef"] = Obj(null, new() { ["apiVersion"] = Str(null), ["fieldPath"] = Str(null) }, ["fieldPath"], mapType: "atomic"),
                ["resourceFieldRef"] = Obj(null, new() { ["containerName"] = Str(null), ["resource"] = Str(null), ["divisor"] = Str(null) }, ["resource"], mapType: "atomic"),
                ["configMapKeyRef"] = Obj(null, new() { ["name"] = Str(null), ["key"] = Str(null), ["optional"] = Bool(null) }, ["key"], mapType: "atomic"),
                ["secretKeyRef"] = Obj(null, new() { ["name"] = Str(null), ["key"] = Str(null), ["optional"] = Bool(null) }, ["key"], mapType: "atomic"),
            }),
        }, ["name"]), "name", null, listType: "map", mapKeys: ["name"]),
        ["envFrom"] = Atomic(Obj(null, new()
        {
            ["prefix"] = Str(null),
            ["configMapRef"] = Obj(null, new() { ["name"] = Str(null), ["optional"] = Bool(null) }, mapType: "atomic"),
            ["secretRef"] = Obj(null, new() { ["name"] = Str(null), ["optional"] = Bool(null) }, mapType: "atomic"),
        }), null),
        ["resources"] = Obj("Compute Resources required by this container.", new()
        {
            ["limits"] = StrMap(null),
            ["requests"] = StrMap(null),
        }),
        ["volumeMounts"] = MergeList(Obj(null, new()
        {
            ["name"] = Str(null),
            ["readOnly"] = Bool(null),
            ["recursiveReadOnly"] = Str(null),
            ["mountPath"] = Str(null),
            ["subPath"] = Str(null),
            ["mountPropagation"] = Str(null),
            ["subPathExpr"] = Str(null),
        }, ["name", "mountPath"]), "mountPath", null, listType: "map", mapKeys: ["mountPath"]),
        ["livenessProbe"] = Probe(),
        ["readinessProbe"] = Probe(),
        ["startupProbe"] = Probe(),
        ["terminationMessagePath"] = Str(null),
        ["terminationMessagePolicy"] = Str(null),
        ["imagePullPolicy"] = Str(null),
        ["securityContext"] = Obj("SecurityContext holds security configuration that will be applied to a container.", new()
        {
            ["capabilities"] = Obj(null, new() { ["add"] = Atomic(Str(null), null), ["drop"] = Atomic(Str(null), null) }),
            ["privileged"] = Bool(null),
            ["runAsUser"] = Int(null, "int64"),
            ["runAsGroup"] = Int(null, "int64"),
            ["runAsNonRoot"] = Bool(null),
            ["readOnlyRootFilesystem"] = Bool(null),
            ["allowPrivilegeEscalation"] = Bool(null),
            ["procMount"] = Str(null),
            ["seccompProfile"] = SeccompProfile(),
        }),
        ["stdin"] = Bool(null),
        ["stdinOnce"] = Bool(null),
        ["tty"] = Bool(null),
    }, ["name"]);

    private static JsonObject Probe() => Obj("Probe describes a health check to be performed against a container.", new()
    {
        ["exec"] = Obj(null, new() { ["command"] = Atomic(Str(null), null) }),
        ["httpGet"] = Obj(null, new()
        {
            ["path"] = Str(null),
            ["port"] = IntOrString(null),
            ["host"] = Str(null),
            ["scheme"] = Str(null),
            ["httpHeaders"] = Atomic(Obj(null, new() { ["name"] = Str(null), ["value"] = Str(null) }, ["name", "value"]), null),
        }, ["port"]),
        ["tcpSocket"] = Obj(null, new() { ["port"] = IntOrString(null), ["host"] = Str(null) }, ["port"]),
        ["grpc"] = Obj(null, new() { ["port"] = Int(null, "int32"), ["service"] = Str(null) }, ["port"]),
        ["initialDelaySeconds"] = Int(null, "int32"),
        ["timeoutSeconds"] = Int(null, "int32"),
        ["periodSeconds"] = Int(null, "int32"),
        ["successThreshold"] = Int(null, "int32"),
        ["failureThreshold"] = Int(null, "int32"),
        ["terminationGracePeriodSeconds"] = Int(null, "int64"),
    });

    private static JsonObject Volume() => Obj("Volume represents a named volume in a pod.", new()
    {
        ["name"] = Str(null),
        ["configMap"] = Obj(null, new() { ["name"] = Str(null), ["items"] = Atomic(KeyToPath(), null), ["defaultMode"] = Int(null, "int32"), ["optional"] = Bool(null) }),
        ["secret"] = Obj(null, new() { ["secretName"] = Str(null), ["items"] = Atomic(KeyToPath(), null), ["defaultMode"] = Int(null, "int32"), ["optional"] = Bool(null) }),
        ["emptyDir"] = Obj(null, new() { ["medium"] = Str(null), ["sizeLimit"] = Str(null) }),
        ["persistentVolumeClaim"] = Obj(null, new() { ["claimName"] = Str(null), ["readOnly"] = Bool(null) }, ["claimName"]),
        ["hostPath"] = Obj(null, new() { ["path"] = Str(null), ["type"] = Str(null) }, ["path"]),
    }, ["name"]);

    private static JsonObject KeyToPath() => Obj(null, new() { ["key"] = Str(null), ["path"] = Str(null), ["mode"] = Int(null, "int32") }, ["key", "path"]);

    private static JsonObject SeccompProfile() => Obj(null, new() { ["type"] = Str(null), ["localhostProfile"] = Str(null) }, ["type"]);

    private static JsonObject PolicyRule() => Obj("PolicyRule holds information that describes a policy rule.", new()
    {
        ["verbs"] = Atomic(Str(null), "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule."),
        ["apiGroups"] = Atomic(Str(null), "APIGroups is the name of the APIGroup that contains the resources."),
        ["resources"] = Atomic(Str(null), "Resources is a list of resources this rule applies to."),
        ["resourceNames"] = Atomic(Str(null), "ResourceNames is an optional white list of names that the rule applies to."),
        ["nonResourceURLs"] = Atomic(Str(null), "NonResourceURLs is a set of partial urls that a user should have access to."),
    }, ["verbs"]);

    private static JsonObject LabelSelector(string? description) => Obj(description ?? "A label selector is a label query over a set of resources.", new()
    {
        ["matchLabels"] = StrMap("matchLabels is a map of {key,value} pairs."),
        ["matchExpressions"] = Atomic(Obj(null, new()
        {
            ["key"] = Str(null),
            ["operator"] = Str(null),
            ["values"] = Atomic(Str(null), null),
        }, ["key", "operator"]), "matchExpressions is a list of label selector requirements."),
    }, mapType: "atomic");

    private static JsonObject ObjectReference() => Obj("ObjectReference contains enough information to let you inspect or modify the referred object.", new()
    {
        ["kind"] = Str(null),
        ["namespace"] = Str(null),
        ["name"] = Str(null),
        ["uid"] = Str(null),
        ["apiVersion"] = Str(null),
        ["resourceVersion"] = Str(null),
        ["fieldPath"] = Str(null),
    }, mapType: "atomic");

    private static JsonObject LocalObjectReference() => Obj(null, new() { ["name"] = Str(null) }, mapType: "atomic");

    private static JsonObject Conditions() => MergeList(Obj(null, new()
    {
        ["type"] = Str(null),
        ["status"] = Str(null),
        ["lastTransitionTime"] = Time(null),
        ["lastUpdateTime"] = Time(null),
        ["reason"] = Str(null),
        ["message"] = Str(null),
    }, ["type", "status"]), "type", "Represents the latest available observations of the object's current state.", listType: "map", mapKeys: ["type"]);

    private static JsonObject CoreEventProperties() => new()
    {
        ["involvedObject"] = ObjectReference(),
        ["reason"] = Str(null),
        ["message"] = Str(null),
        ["source"] = Obj(null, new() { ["component"] = Str(null), ["host"] = Str(null) }),
        ["firstTimestamp"] = Time(null),
        ["lastTimestamp"] = Time(null),
        ["count"] = Int(null, "int32"),
        ["type"] = Str(null),
        ["eventTime"] = MicroTime(null),
        ["series"] = Obj(null, new() { ["count"] = Int(null, "int32"), ["lastObservedTime"] = MicroTime(null) }),
        ["action"] = Str(null),
        ["related"] = ObjectReference(),
        ["reportingComponent"] = Str(null),
        ["reportingInstance"] = Str(null),
    };

    private static JsonObject EventsV1Properties() => new()
    {
        ["eventTime"] = MicroTime(null),
        ["series"] = Obj(null, new() { ["count"] = Int(null, "int32"), ["lastObservedTime"] = MicroTime(null) }),
        ["reportingController"] = Str(null),
        ["reportingInstance"] = Str(null),
        ["action"] = Str(null),
        ["reason"] = Str(null),
        ["regarding"] = ObjectReference(),
        ["related"] = ObjectReference(),
        ["note"] = Str(null),
        ["type"] = Str(null),
        ["deprecatedSource"] = Obj(null, new() { ["component"] = Str(null), ["host"] = Str(null) }),
        ["deprecatedFirstTimestamp"] = Time(null),
        ["deprecatedLastTimestamp"] = Time(null),
        ["deprecatedCount"] = Int(null, "int32"),
    };

    // ------------------------------------------------------------------ builders

    private static JsonObject Obj(string? description, JsonObject properties, string[]? required = null, string? mapType = null, JsonObject? additional = null)
    {
        var o = new JsonObject { ["type"] = "object" };
        if (description is not null)
        {
            o["description"] = description;
        }
        if (properties.Count > 0)
        {
            o["properties"] = properties;
        }
        if (additional is not null)
        {
            o["additionalProperties"] = additional;
        }
        if (required is { Length: > 0 })
        {
            o["required"] = new JsonArray([.. required.Select(x => (JsonNode)x)]);
        }
        if (mapType is not null)
        {
            o["x-kubernetes-map-type"] = mapType;
        }
        return o;
    }

    private static JsonObject Described(JsonObject o, string? description)
    {
        if (description is not null)
        {
            o["description"] = description;
        }
        return o;
    }

    private static JsonObject Str(string? description) => Described(new JsonObject { ["type"] = "string" }, description);

    private static JsonObject Bool(string? description) => Described(new JsonObject { ["type"] = "boolean" }, description);

    private static JsonObject Int(string? description, string format) => Described(new JsonObject { ["type"] = "integer", ["format"] = format }, description);

    private static JsonObject IntOrString(string? description) => Described(new JsonObject { ["x-kubernetes-int-or-string"] = true, ["format"] = "int-or-string" }, description);

    private static JsonObject Time(string? description) => Described(new JsonObject { ["type"] = "string", ["format"] = "date-time" }, description);

    private static JsonObject MicroTime(string? description) => Described(new JsonObject { ["type"] = "string", ["format"] = "date-time" }, description);

    private static JsonObject Preserved(string? description = null) =>
        Described(new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true }, description);

    private static JsonObject StrMap(string? description, string? mapType = null)
    {
        var o = Described(new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = "" } }, description);
        if (mapType is not null)
        {
            o["x-kubernetes-map-type"] = mapType;
        }
        return o;
    }

    private static JsonObject ByteMap(string? description) =>
        Described(new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string", ["format"] = "byte" } }, description);

    /// <summary>A list replaced as a whole by patches (no patchStrategy; <c>listType: atomic</c>).</summary>
    private static JsonObject Atomic(JsonObject items, string? description) =>
        Described(new JsonObject { ["type"] = "array", ["items"] = items, ["x-kubernetes-list-type"] = "atomic" }, description);

    private static JsonObject MapList(JsonObject items, string[] mapKeys, string? description) =>
        Described(new JsonObject
        {
            ["type"] = "array",
            ["items"] = items,
            ["x-kubernetes-list-type"] = "map",
            ["x-kubernetes-list-map-keys"] = new JsonArray([.. mapKeys.Select(x => (JsonNode)x)]),
        }, description);

    /// <summary>A list merged by <paramref name="mergeKey"/> in strategic merge patches (<c>patchStrategy:"merge"</c>).</summary>
    private static JsonObject MergeList(JsonObject items, string mergeKey, string? description, string? listType, string[]? mapKeys = null, bool retainKeys = false)
    {
        var o = Described(new JsonObject
        {
            ["type"] = "array",
            ["items"] = items,
            ["x-kubernetes-patch-merge-key"] = mergeKey,
            ["x-kubernetes-patch-strategy"] = retainKeys ? "merge,retainKeys" : "merge",
        }, description);
        if (listType is not null)
        {
            o["x-kubernetes-list-type"] = listType;
        }
        if (mapKeys is not null)
        {
            o["x-kubernetes-list-map-keys"] = new JsonArray([.. mapKeys.Select(x => (JsonNode)x)]);
        }
        return o;
    }

    private static JsonObject RetainKeys(JsonObject o)
    {
        o["x-kubernetes-patch-strategy"] = "retainKeys";
        return o;
    }
}
