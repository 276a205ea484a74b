using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Selectors;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// Validation of an <c>apiextensions.k8s.io/v1</c> CustomResourceDefinition on create/update, following
/// apiextensions-apiserver <c>pkg/apis/apiextensions/validation/validation.go</c> for the rules that matter to a
/// local server: name, group, scope, names, versions (unique, exactly one storage, each with a structural schema),
/// printer columns. <c>names.singular</c> and <c>names.listKind</c> are defaulted by kube before validation, so a
/// missing value is not an error here.
/// </summary>
public static class CustomResourceDefinitionValidator
{
    private static readonly string[] Scopes = ["Cluster", "Namespaced"];
    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];
    private static readonly string[] ColumnFormats = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"];

    public static IReadOnlyList<FieldError> Validate(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var group = Text(spec["group"]);
        var plural = Text(names["plural"]);
        var name = Text((crd["metadata"] as JsonObject)?["name"]);

        if (name.Length == 0)
        {
            errors.Add(FieldError.RequiredValue("metadata.name", "name or generateName is required"));
        }
        else
        {
            foreach (var msg in KubeNames.IsDns1123Subdomain(name))
            {
                errors.Add(FieldError.InvalidValue("metadata.name", JsonValue.Create(name), msg));
            }

            if (name != plural + "." + group)
            {
                errors.Add(FieldError.InvalidValue("metadata.name", JsonValue.Create(name), "must be spec.names.plural+\".\"+spec.group"));
            }
        }

        if (group.Length == 0)
        {
            errors.Add(FieldError.RequiredValue("spec.group"));
        }
        else if (KubeNames.IsDns1123Subdomain(group) is { Count: > 0 } groupErrs)
        {
            errors.Add(FieldError.InvalidValue("spec.group", JsonValue.Create(group), string.Join(",", groupErrs)));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(FieldError.InvalidValue("spec.group", JsonValue.Create(group), "should be a domain with at least one dot"));
        }

        var scope = Text(spec["scope"]);
        if (scope.Length == 0)
        {
            errors.Add(FieldError.RequiredValue("spec.scope"));
        }
        else if (!Scopes.Contains(scope, StringComparer.Ordinal))
        {
            errors.Add(FieldError.Unsupported("spec.scope", JsonValue.Create(scope), Scopes));
        }

        ValidateNames(names, errors);
        ValidateVersions(spec, errors);
        return errors;
    }

    private static void ValidateNames(JsonObject names, List<FieldError> errors)
    {
        var plural = Text(names["plural"]);
        var singular = Text(names["singular"]);
        var kind = Text(names["kind"]);
        var listKind = Text(names["listKind"]);
        if (plural.Length == 0)
        {
            errors.Add(FieldError.RequiredValue("spec.names.plural"));
        }
        else if (KubeNames.IsDns1035Label(plural) is { Count: > 0 } e1)
        {
            errors.Add(FieldError.InvalidValue("spec.names.plural", JsonValue.Create(plural), string.Join(",", e1)));
        }

        if (singular.Length > 0 && KubeNames.IsDns1035Label(singular) is { Count: > 0 } e2)
        {
            errors.Add(FieldError.InvalidValue("spec.names.singular", JsonValue.Create(singular), string.Join(",", e2)));
        }

        if (kind.Length == 0)
        {
            errors.Add(FieldError.RequiredValue("spec.names.kind"));
        }
        else if (KubeNames.IsDns1035Label(kind.ToLowerInvariant()) is { Count: > 0 } e3)
        {
            errors.Add(FieldError.InvalidValue("spec.names.kind", JsonValue.Create(kind), "may have mixed case, but should otherwise match: " + string.Join(",", e3)));
        }

        if (listKind.Length > 0 && KubeNames.IsDns1035Label(listKind.ToLowerInvariant()) is { Count: > 0 } e4)
        {
            errors.Add(FieldError.InvalidValue("spec.names.listKind", JsonValue.Create(listKind), "may have mixed case, but should otherwise match: " + string.Join(",", e4)));
        }

        if (kind.Length > 0 && kind == listKind)
        {
            errors.Add(FieldError.InvalidValue("spec.names.listKind", JsonValue.Create(listKind), "kind and listKind may not be the same"));
        }

        foreach (var listName in (string[])["shortNames", "categories"])
        {
            if (names[listName] is not JsonArray items)
            {
                continue;
            }

            for (var i = 0; i < items.Count; i++)
            {
                var item = Text(items[i]);
                if (KubeNames.IsDns1035Label(item) is { Count: > 0 } e5)
                {
                    errors.Add(FieldError.InvalidValue($"spec.names.{listName}[{i}]", JsonValue.Create(item), string.Join(",", e5)));
                }
            }
        }
    }

    private static void ValidateVersions(JsonObject spec, List<FieldError> errors)
    {
        var versions = spec["versions"] as JsonArray ?? [];
        if (versions.Count == 0)
        {
            errors.Add(FieldError.RequiredValue("spec.versions", "must have exactly one version marked as storage version"));
            return;
        }

        var storage = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = true;
        for (var i = 0; i < versions.Count; i++)
        {
            var path = $"spec.versions[{i}]";
            var version = versions[i] as JsonObject ?? [];
            var versionName = Text(version["name"]);
            if (version["storage"] is JsonValue sv && sv.TryGetValue<bool>(out var isStorage) && isStorage)
            {
                storage++;
            }

            if (!seen.Add(versionName))
            {
                unique = false;
            }

            if (KubeNames.IsDns1035Label(versionName) is { Count: > 0 } nameErrs)
            {
                errors.Add(FieldError.InvalidValue(path + ".name", JsonValue.Create(versionName), string.Join(",", nameErrs)));
            }

            if ((version["schema"] as JsonObject)?["openAPIV3Schema"] is JsonObject schema)
            {
                ValidateStructural(schema, path + ".schema.openAPIV3Schema", isRoot: true, errors);
            }
            else
            {
                errors.Add(FieldError.RequiredValue(path + ".schema.openAPIV3Schema", "schemas are required"));
            }

            if (version["additionalPrinterColumns"] is JsonArray columns)
            {
                for (var c = 0; c < columns.Count; c++)
                {
                    ValidateColumn(columns[c] as JsonObject ?? [], $"{path}.additionalPrinterColumns[{c}]", errors);
                }
            }
        }

        if (!unique)
        {
            errors.Add(FieldError.InvalidValue("spec.versions", versions, "must contain unique version names"));
        }

        if (storage != 1)
        {
            errors.Add(FieldError.InvalidValue("spec.versions", versions, "must have exactly one version marked as storage version"));
        }
    }

    private static void ValidateColumn(JsonObject column, string path, List<FieldError> errors)
    {
        if (Text(column["name"]).Length == 0)
        {
            errors.Add(FieldError.RequiredValue(path + ".name"));
        }

        var type = Text(column["type"]);
        if (type.Length == 0)
        {
            errors.Add(FieldError.RequiredValue(path + ".type", "must be one of " + string.Join(",", ColumnTypes)));
        }
        else if (!ColumnTypes.Contains(type, StringComparer.Ordinal))
        {
            errors.Add(FieldError.InvalidValue(path + ".type", JsonValue.Create(type), "must be one of " + string.Join(",", ColumnTypes)));
        }

        var format = Text(column["format"]);
        if (format.Length > 0 && !ColumnFormats.Contains(format, StringComparer.Ordinal))
        {
            errors.Add(FieldError.InvalidValue(path + ".format", JsonValue.Create(format), "must be one of " + string.Join(",", ColumnFormats)));
        }

        if (Text(column["jsonPath"]).Length == 0)
        {
            errors.Add(FieldError.RequiredValue(path + ".JSONPath"));
        }
    }

    // The structural-schema rules that make pruning and defaulting well defined
    // (apiextensions-apiserver pkg/apiserver/schema/validation.go).
    private static void ValidateStructural(JsonObject schema, string path, bool isRoot, List<FieldError> errors)
    {
        var type = Text(schema["type"]);
        var intOrString = Bool(schema, "x-kubernetes-int-or-string");
        var preserve = schema["x-kubernetes-preserve-unknown-fields"];
        if (isRoot)
        {
            if (type.Length == 0)
            {
                errors.Add(FieldError.RequiredValue(path + ".type", "must not be empty at the root"));
            }
            else if (type != "object")
            {
                errors.Add(FieldError.InvalidValue(path + ".type", JsonValue.Create(type), "must be object at the root"));
            }

            if (schema["properties"] is JsonObject rootProps && rootProps["metadata"] is JsonObject metadata)
            {
                var metadataProps = metadata["properties"] as JsonObject;
                var onlyNames = metadataProps is null || metadataProps.All(p => p.Key is "name" or "generateName");
                if (!onlyNames || metadata.Any(p => p.Key is not ("type" or "properties" or "description")))
                {
                    errors.Add(FieldError.ForbiddenValue(path + ".properties[metadata]",
                        "must not specify anything other than name and generateName, but metadata is implicitly specified"));
                }
            }
        }

        ValidateRules(schema, path, errors);

        if (intOrString && type.Length > 0)
        {
            errors.Add(FieldError.ForbiddenValue(path + ".type", "must be empty to be structural"));
        }

        if (preserve is JsonValue pv && pv.TryGetValue<bool>(out var preserveValue) && !preserveValue)
        {
            errors.Add(FieldError.InvalidValue(path + ".x-kubernetes-preserve-unknown-fields", JsonValue.Create(false), "must be true or undefined"));
        }

        if (Bool(schema, "uniqueItems"))
        {
            errors.Add(FieldError.ForbiddenValue(path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }

        if (schema["properties"] is JsonObject && schema["additionalProperties"] is JsonObject)
        {
            errors.Add(FieldError.ForbiddenValue(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
        }

        if (schema["additionalProperties"] is JsonValue apv && apv.TryGetValue<bool>(out var ap) && !ap)
        {
            errors.Add(FieldError.ForbiddenValue(path + ".additionalProperties", "must not be used in structural schemas"));
        }

        if (schema["properties"] is JsonObject props)
        {
            foreach (var (key, value) in props)
            {
                if (value is not JsonObject child)
                {
                    continue;
                }

                var childPath = $"{path}.properties[{key}]";
                if (Text(child["type"]).Length == 0 && !Bool(child, "x-kubernetes-int-or-string") && !Bool(child, "x-kubernetes-preserve-unknown-fields"))
                {
                    errors.Add(FieldError.RequiredValue(childPath + ".type", "must not be empty for specified object fields"));
                }

                ValidateStructural(child, childPath, isRoot: false, errors);
            }
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            if (Text(additional["type"]).Length == 0 && !Bool(additional, "x-kubernetes-int-or-string") && !Bool(additional, "x-kubernetes-preserve-unknown-fields"))
            {
                errors.Add(FieldError.RequiredValue(path + ".additionalProperties.type", "must not be empty for specified object fields"));
            }

            ValidateStructural(additional, path + ".additionalProperties", isRoot: false, errors);
        }

        if (schema["items"] is JsonObject items)
        {
            if (Text(items["type"]).Length == 0 && !Bool(items, "x-kubernetes-int-or-string") && !Bool(items, "x-kubernetes-preserve-unknown-fields"))
            {
                errors.Add(FieldError.RequiredValue(path + ".items.type", "must not be empty for specified array items"));
            }

            ValidateStructural(items, path + ".items", isRoot: false, errors);
        }
        else if (type == "array")
        {
            errors.Add(FieldError.RequiredValue(path + ".items", "must be specified"));
        }
    }

    private static readonly string[] Reasons = ["FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"];

    /// <summary>
    /// <c>x-kubernetes-validations</c> compiled as the CRD is written (apiextensions validation.go): an empty rule is
    /// Required, one that does not parse is Invalid with cel-go's <c>compilation failed: ERROR: ...</c> text, as is a
    /// <c>messageExpression</c> that does not parse; an unknown reason is Unsupported.
    /// </summary>
    private static void ValidateRules(JsonObject schema, string path, List<FieldError> errors)
    {
        var rules = ValidationRule.Parse(schema["x-kubernetes-validations"]);
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var rulePath = $"{path}.x-kubernetes-validations[{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";
            if (rule.Rule.Trim().Length == 0)
            {
                errors.Add(FieldError.RequiredValue(rulePath + ".rule", "rule is not specified"));
            }
            else if (rule.CompiledRule.Error is { } error)
            {
                errors.Add(new FieldError(FieldError.Invalid, rulePath + ".rule", $"Invalid value: {rule.GoString()}: compilation failed: {error}"));
            }
            if (rule.CompiledMessage?.Error is { } messageError)
            {
                errors.Add(new FieldError(FieldError.Invalid, rulePath + ".messageExpression", $"Invalid value: {rule.GoString()}: messageExpression compilation failed: {messageError}"));
            }
            if (rule.Reason is { } reason && !Reasons.Contains(reason, StringComparer.Ordinal))
            {
                errors.Add(FieldError.Unsupported(rulePath + ".reason", JsonValue.Create(reason), Reasons));
            }
        }
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
}
