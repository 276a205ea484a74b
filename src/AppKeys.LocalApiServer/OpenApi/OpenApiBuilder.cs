using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Model;

namespace AppKeys.LocalApiServer.OpenApi;

/// <summary>
/// OpenAPI v3 documents as kube-apiserver serves them under <c>/openapi/v3</c>: one document per group-version,
/// with collection/item/status paths whose operations carry <c>x-kubernetes-group-version-kind</c> and the
/// <c>fieldValidation</c> query parameter (kubectl's <c>queryparams_v3.go</c> looks for it on PATCH before it sends
/// <c>fieldValidation=Strict</c>), and component schemas named like kube's (<c>io.appkeys.v1alpha1.ApplicationKey</c>,
/// <c>io.k8s.api.core.v1.Secret</c>) so <c>kubectl explain</c> finds them by GVK.
/// </summary>
public static class OpenApiBuilder
{
    private const string FieldValidationDescription =
        "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.";

    /// <summary>The document for one group-version (<c>/openapi/v3/api/v1</c>, <c>/openapi/v3/apis/&lt;g&gt;/&lt;v&gt;</c>).</summary>
    public static JsonObject BuildGroupVersion(string groupVersion, IReadOnlyList<ApiResourceInfo> resources)
    {
        ArgumentNullException.ThrowIfNull(groupVersion);
        ArgumentNullException.ThrowIfNull(resources);
        var schemas = new JsonObject();
        StandardSchemas.AddTo(schemas);
        var paths = new JsonObject();
        foreach (var r in resources.Where(r => r.GroupVersion == groupVersion).OrderBy(r => r.Plural, StringComparer.Ordinal))
        {
            schemas[SchemaName(r)] = ResourceSchema(r);
            schemas[SchemaName(r, list: true)] = ListSchema(r);
            AddPaths(paths, r);
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["BearerToken"] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["description"] = "Bearer Token authentication",
                        ["name"] = "authorization",
                        ["in"] = "header",
                    },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
        };
    }

    /// <summary>The <c>/openapi/v3</c> index: group-version → document URL carrying its content hash.</summary>
    public static JsonObject BuildRoot(IReadOnlyDictionary<string, string> groupVersionToHash)
    {
        ArgumentNullException.ThrowIfNull(groupVersionToHash);
        var paths = new JsonObject();
        foreach (var (gv, hash) in groupVersionToHash.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var key = PathKey(gv);
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>A stable content hash (SHA-512, upper-case hex, of the canonical JSON with sorted keys).</summary>
    public static string Hash(JsonObject doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        return Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(GoJson.Marshal(doc))));
    }

    /// <summary><c>api/v1</c> for the core group, <c>apis/&lt;g&gt;/&lt;v&gt;</c> otherwise.</summary>
    public static string PathKey(string groupVersion) =>
        groupVersion.Contains('/', StringComparison.Ordinal) ? "apis/" + groupVersion : "api/" + groupVersion;

    /// <summary>kube's schema name: reversed group for CRDs, <c>io.k8s.api.&lt;group&gt;</c> for built-ins.</summary>
    public static string SchemaName(ApiResourceInfo r, bool list = false)
    {
        ArgumentNullException.ThrowIfNull(r);
        var kind = list ? r.ListKind : r.Kind;
        string prefix;
        if (r.Group == "apiextensions.k8s.io")
        {
            prefix = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions";
        }
        else if (r.Group.Length == 0)
        {
            prefix = "io.k8s.api.core";
        }
        else if (!r.IsCustom && (r.Group.EndsWith(".k8s.io", StringComparison.Ordinal) || !r.Group.Contains('.', StringComparison.Ordinal)))
        {
            prefix = "io.k8s.api." + r.Group.Split('.')[0];
        }
        else
        {
            prefix = string.Join('.', r.Group.Split('.').Reverse());
        }

        return $"{prefix}.{r.Version}.{kind}";
    }

    private static JsonArray Gvk(ApiResourceInfo r, string kind) =>
        new(new JsonObject { ["group"] = r.Group, ["kind"] = kind, ["version"] = r.Version });

    private static JsonObject ResourceSchema(ApiResourceInfo r)
    {
        var builtIn = r.IsCustom ? null : BuiltInSchemas.For(r);
        var schema = r.Schema?.DeepClone() as JsonObject ?? builtIn ?? new JsonObject
        {
            ["type"] = "object",
            ["x-kubernetes-preserve-unknown-fields"] = true,
        };
        schema["type"] ??= "object";
        if (builtIn is null && (!r.IsCustom || r.Schema is null))
        {
            schema["description"] ??= $"{r.Kind} ({r.GroupVersion}). Fields beyond metadata are accepted as sent; this local server does not publish their schema.";
        }

        var properties = schema["properties"] as JsonObject;
        if (properties is null)
        {
            properties = [];
            schema["properties"] = properties;
        }

        properties["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = StandardSchemas.ApiVersionDescription };
        properties["kind"] = new JsonObject { ["type"] = "string", ["description"] = StandardSchemas.KindDescription };
        properties["metadata"] = StandardSchemas.RefWithDescription(StandardSchemas.ObjectMeta, StandardSchemas.MetadataDescription, new JsonObject());
        schema["x-kubernetes-group-version-kind"] = Gvk(r, r.Kind);
        return schema;
    }

    private static JsonObject ListSchema(ApiResourceInfo r) => new()
    {
        ["type"] = "object",
        ["description"] = $"{r.ListKind} is a list of {r.Kind}",
        ["required"] = new JsonArray("items"),
        ["properties"] = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = StandardSchemas.ApiVersionDescription },
            ["items"] = new JsonObject
            {
                ["type"] = "array",
                ["description"] = $"List of {r.Plural}. More info: https://git.k8s.io/community/contributors/devel/api-conventions.md",
                ["items"] = StandardSchemas.Ref(SchemaName(r)),
            },
            ["kind"] = new JsonObject { ["type"] = "string", ["description"] = StandardSchemas.KindDescription },
            ["metadata"] = StandardSchemas.RefWithDescription(StandardSchemas.ListMeta, StandardSchemas.ListMetadataDescription, new JsonObject()),
        },
        ["x-kubernetes-group-version-kind"] = Gvk(r, r.ListKind),
    };

    private static void AddPaths(JsonObject paths, ApiResourceInfo r)
    {
        var prefix = r.Group.Length == 0 ? $"/api/{r.Version}" : $"/apis/{r.Group}/{r.Version}";
        var collection = r.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{r.Plural}" : $"{prefix}/{r.Plural}";
        var item = collection + "/{name}";
        var verbs = new HashSet<string>(r.Verbs, StringComparer.Ordinal);
        var id = OperationSuffix(r);
        var kindRef = SchemaName(r);
        var listRef = SchemaName(r, list: true);

        var collectionPath = new JsonObject();
        if (verbs.Contains("list"))
        {
            collectionPath["get"] = Operation(r, "list" + id, "list", $"list or watch objects of kind {r.Kind}", ListQueryParameters(), listRef, null);
        }

        if (verbs.Contains("create"))
        {
            collectionPath["post"] = Operation(r, "create" + id, "post", $"create a {r.Kind}", WriteParameters(patch: false), kindRef, BodyOf(kindRef));
        }

        if (verbs.Contains("deletecollection"))
        {
            collectionPath["delete"] = Operation(r, "deletecollection" + id, "deletecollection", $"delete collection of {r.Kind}", ListQueryParameters(), StandardSchemas.Status, BodyOf(StandardSchemas.DeleteOptions));
        }

        collectionPath["parameters"] = PathParameters(r, withName: false);
        paths[collection] = collectionPath;

        var itemPath = new JsonObject();
        if (verbs.Contains("get"))
        {
            itemPath["get"] = Operation(r, "read" + id, "get", $"read the specified {r.Kind}", [], kindRef, null);
        }

        if (verbs.Contains("update"))
        {
            itemPath["put"] = Operation(r, "replace" + id, "put", $"replace the specified {r.Kind}", WriteParameters(patch: false), kindRef, BodyOf(kindRef));
        }

        if (verbs.Contains("patch"))
        {
            itemPath["patch"] = Operation(r, "patch" + id, "patch", $"partially update the specified {r.Kind}", WriteParameters(patch: true), kindRef, PatchBody(r));
        }

        if (verbs.Contains("delete"))
        {
            itemPath["delete"] = Operation(r, "delete" + id, "delete", $"delete a {r.Kind}", DeleteParameters(), StandardSchemas.Status, BodyOf(StandardSchemas.DeleteOptions));
        }

        itemPath["parameters"] = PathParameters(r, withName: true);
        paths[item] = itemPath;

        if (r.HasStatusSubresource)
        {
            paths[item + "/status"] = new JsonObject
            {
                ["get"] = Operation(r, "read" + id + "Status", "get", $"read status of the specified {r.Kind}", [], kindRef, null),
                ["put"] = Operation(r, "replace" + id + "Status", "put", $"replace status of the specified {r.Kind}", WriteParameters(patch: false), kindRef, BodyOf(kindRef)),
                ["patch"] = Operation(r, "patch" + id + "Status", "patch", $"partially update status of the specified {r.Kind}", WriteParameters(patch: true), kindRef, PatchBody(r)),
                ["parameters"] = PathParameters(r, withName: true),
            };
        }

        if (r.Namespaced && verbs.Contains("list"))
        {
            paths[$"{prefix}/{r.Plural}"] = new JsonObject
            {
                ["get"] = Operation(r, "list" + OperationSuffix(r, allNamespaces: true), "list", $"list or watch objects of kind {r.Kind}", ListQueryParameters(), listRef, null),
                ["parameters"] = new JsonArray(Query("pretty", "If 'true', then the output is pretty printed.", "string")),
            };
        }
    }

    // kube operation ids: list + CoreV1 / AppkeysIoV1alpha1 + Namespaced + Kind (+ ForAllNamespaces).
    private static string OperationSuffix(ApiResourceInfo r, bool allNamespaces = false)
    {
        var group = r.Group.Length == 0
            ? "Core"
            : string.Concat(r.Group.Replace(".k8s.io", string.Empty, StringComparison.Ordinal)
                .Split('.', '-').Where(p => p.Length > 0).Select(Capitalize));
        var scope = r.Namespaced && !allNamespaces ? "Namespaced" : string.Empty;
        return $"{group}{Capitalize(r.Version)}{scope}{r.Kind}{(allNamespaces ? "ForAllNamespaces" : string.Empty)}";
    }

    private static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpper(s[0], CultureInfo.InvariantCulture) + s[1..];

    private static JsonObject Operation(ApiResourceInfo r, string operationId, string action, string description, JsonArray parameters, string responseSchema, JsonObject? requestBody)
    {
        var ok = new JsonObject
        {
            ["description"] = "OK",
            ["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = StandardSchemas.Ref(responseSchema) },
                ["application/yaml"] = new JsonObject { ["schema"] = StandardSchemas.Ref(responseSchema) },
            },
        };
        var responses = new JsonObject { ["200"] = ok };
        if (action is "post" or "put" or "patch")
        {
            responses["201"] = new JsonObject
            {
                ["description"] = "Created",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = StandardSchemas.Ref(responseSchema) } },
            };
        }

        if (action is "post" or "delete")
        {
            responses["202"] = new JsonObject
            {
                ["description"] = "Accepted",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = StandardSchemas.Ref(responseSchema) } },
            };
        }

        responses["401"] = new JsonObject { ["description"] = "Unauthorized" };
        var op = new JsonObject
        {
            ["tags"] = new JsonArray(OperationSuffix(r).Replace(r.Kind, string.Empty, StringComparison.Ordinal).Replace("Namespaced", string.Empty, StringComparison.Ordinal)),
            ["description"] = description,
            ["operationId"] = operationId,
        };
        if (parameters.Count > 0)
        {
            op["parameters"] = parameters;
        }

        if (requestBody is not null)
        {
            op["requestBody"] = requestBody;
        }

        op["responses"] = responses;
        op["x-kubernetes-action"] = action;
        op["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = r.Group, ["kind"] = r.Kind, ["version"] = r.Version };
        return op;
    }

    private static JsonObject BodyOf(string schema) => new()
    {
        ["content"] = new JsonObject
        {
            ["*/*"] = new JsonObject { ["schema"] = StandardSchemas.Ref(schema) },
        },
        ["required"] = true,
    };

    private static JsonObject PatchBody(ApiResourceInfo r)
    {
        var content = new JsonObject
        {
            ["application/apply-patch+yaml"] = new JsonObject { ["schema"] = StandardSchemas.Ref(StandardSchemas.Patch) },
            ["application/json-patch+json"] = new JsonObject { ["schema"] = StandardSchemas.Ref(StandardSchemas.Patch) },
            ["application/merge-patch+json"] = new JsonObject { ["schema"] = StandardSchemas.Ref(StandardSchemas.Patch) },
        };
        if (!r.IsCustom)
        {
            content["application/strategic-merge-patch+json"] = new JsonObject { ["schema"] = StandardSchemas.Ref(StandardSchemas.Patch) };
        }

        return new JsonObject { ["content"] = content, ["required"] = true };
    }

    private static JsonObject Query(string name, string description, string type, bool uniqueItems = true) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["description"] = description,
        ["schema"] = uniqueItems ? new JsonObject { ["type"] = type, ["uniqueItems"] = true } : new JsonObject { ["type"] = type },
    };

    private static JsonArray WriteParameters(bool patch)
    {
        var p = new JsonArray(
            Query("dryRun", "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed", "string"),
            Query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.", "string"),
            Query("fieldValidation", FieldValidationDescription, "string"));
        if (patch)
        {
            p.Add(Query("force", "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.", "boolean"));
        }

        return p;
    }

    private static JsonArray DeleteParameters() => new(
        Query("dryRun", "When present, indicates that modifications should not be persisted.", "string"),
        Query("gracePeriodSeconds", "The duration in seconds before the object should be deleted.", "integer"),
        Query("propagationPolicy", "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.", "string"));

    private static JsonArray ListQueryParameters() => new(
        Query("allowWatchBookmarks", "allowWatchBookmarks requests watch events with type \"BOOKMARK\".", "boolean"),
        Query("continue", "The continue option should be set when retrieving more results from the server.", "string"),
        Query("fieldSelector", "A selector to restrict the list of returned objects by their fields. Defaults to everything.", "string"),
        Query("labelSelector", "A selector to restrict the list of returned objects by their labels. Defaults to everything.", "string"),
        Query("limit", "limit is a maximum number of responses to return for a list call.", "integer"),
        Query("resourceVersion", "resourceVersion sets a constraint on what resource versions a request may be served from.", "string"),
        Query("resourceVersionMatch", "resourceVersionMatch determines how resourceVersion is applied to list calls.", "string"),
        Query("sendInitialEvents", "`sendInitialEvents=true` may be set together with `watch=true`.", "boolean"),
        Query("timeoutSeconds", "Timeout for the list/watch call.", "integer"),
        Query("watch", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.", "boolean"));

    private static JsonArray PathParameters(ApiResourceInfo r, bool withName)
    {
        var p = new JsonArray();
        if (withName)
        {
            p.Add(new JsonObject
            {
                ["name"] = "name",
                ["in"] = "path",
                ["description"] = $"name of the {r.Kind}",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
            });
        }

        if (r.Namespaced)
        {
            p.Add(new JsonObject
            {
                ["name"] = "namespace",
                ["in"] = "path",
                ["description"] = "object name and auth scope, such as for teams and projects",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
            });
        }

        p.Add(Query("pretty", "If 'true', then the output is pretty printed.", "string"));
        return p;
    }
}
