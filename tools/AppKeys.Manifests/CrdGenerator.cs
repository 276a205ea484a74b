using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Apis.Schema;
using k8s.Models;

namespace AppKeys.Manifests;

/// <summary>
/// Builds CustomResourceDefinitions from the C# API types by reflection, so the checked-in YAML
/// (<c>make manifests</c>) can never silently drift from the types the operator deserializes.
/// </summary>
public static class CrdGenerator
{
    /// <summary>The entity types this operator serves.</summary>
    public static IReadOnlyList<Type> EntityTypes { get; } = [typeof(V1Alpha1Application), typeof(V1Alpha1ApplicationKey)];

    public static IReadOnlyList<V1CustomResourceDefinition> GenerateAll() => [.. EntityTypes.Select(Generate)];

    public static V1CustomResourceDefinition Generate(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{entityType.Name} has no [KubernetesEntity]", nameof(entityType));
        var names = entityType.GetCustomAttribute<ResourceNamesAttribute>() ?? new ResourceNamesAttribute();

        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = entityType.GetCustomAttribute<DescriptionAttribute>()?.Description,
            Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal),
        };
        foreach (var property in OrderedProperties(entityType))
        {
            var name = JsonName(property);
            root.Properties[name] = name switch
            {
                "apiVersion" => new V1JSONSchemaProps { Type = "string", Description = "APIVersion defines the versioned schema of this representation of an object." },
                "kind" => new V1JSONSchemaProps { Type = "string", Description = "Kind is a string value representing the REST resource this object represents." },
                "metadata" => new V1JSONSchemaProps { Type = "object" },
                _ => SchemaFor(property),
            };
        }

        var columns = entityType.GetCustomAttributes<PrinterColumnAttribute>()
            .OrderBy(c => c.Order)
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                Type = c.Type,
                JsonPath = c.JsonPath,
                Description = c.Description,
                Format = c.Format,
                Priority = c.Priority == 0 ? null : c.Priority,
            })
            .ToList();

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{entity.PluralName}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = entity.PluralName,
                    Singular = entity.Kind.ToLowerInvariant(),
                    ShortNames = names.ShortNames.Length == 0 ? null : [.. names.ShortNames],
                    Categories = names.Categories.Length == 0 ? null : [.. names.Categories],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = entity.ApiVersion,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = root },
                        Subresources = new V1CustomResourceSubresources { Status = new object() },
                        AdditionalPrinterColumns = columns.Count == 0 ? null : columns,
                    },
                ],
            },
        };
    }

    private static IEnumerable<PropertyInfo> OrderedProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken);

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
            ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static V1JSONSchemaProps SchemaFor(PropertyInfo property)
    {
        var schema = SchemaForType(property.PropertyType);
        schema.Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? schema.Description;

        if (property.GetCustomAttribute<SchemaEnumAttribute>() is { } enumeration)
        {
            schema.EnumProperty = [.. enumeration.Values.Cast<object>()];
        }

        if (property.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.Pattern;
        }

        if (property.GetCustomAttribute<SchemaFormatAttribute>() is { } format)
        {
            schema.Format = format.Format;
        }

        if (property.GetCustomAttribute<SchemaRangeAttribute>() is { } range)
        {
            long? min = range.Min == long.MinValue ? null : range.Min;
            long? max = range.Max == long.MaxValue ? null : range.Max;
            switch (schema.Type)
            {
                case "integer":
                    schema.Minimum = min;
                    schema.Maximum = max;
                    break;
                case "string":
                    schema.MinLength = min;
                    schema.MaxLength = max;
                    break;
                case "array":
                    schema.MinItems = min;
                    schema.MaxItems = max;
                    break;
                default:
                    schema.MinProperties = min;
                    schema.MaxProperties = max;
                    break;
            }
        }

        // Items of a list, or the values of a map.
        if (property.GetCustomAttribute<SchemaItemsAttribute>() is { } items && (schema.Items ?? schema.AdditionalProperties) is V1JSONSchemaProps itemSchema)
        {
            if (items.Enum is { } values)
            {
                itemSchema.EnumProperty = [.. values.Cast<object>()];
            }

            itemSchema.Pattern = items.Pattern;
            itemSchema.MaxLength = items.MaxLength > 0 ? items.MaxLength : null;
        }

        if (property.GetCustomAttribute<SchemaListTypeAttribute>() is { } listType)
        {
            schema.XKubernetesListType = listType.ListType;
            schema.XKubernetesListMapKeys = listType.MapKeys is null ? null : [.. listType.MapKeys];
        }

        if (property.GetCustomAttribute<SchemaDefaultAttribute>() is { } defaultValue)
        {
            schema.DefaultProperty = JsonSerializer.Deserialize<JsonElement>(defaultValue.Json);
        }

        AddValidations(schema, property.GetCustomAttributes<SchemaValidationAttribute>());
        return schema;
    }

    private static V1JSONSchemaProps SchemaForType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new V1JSONSchemaProps { Type = "string" };
        }

        if (type == typeof(bool))
        {
            return new V1JSONSchemaProps { Type = "boolean" };
        }

        if (type == typeof(int))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new V1JSONSchemaProps { Type = "integer", Format = "int64" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new V1JSONSchemaProps { Type = "string", Format = "date-time" };
        }

        if (type == typeof(V1Condition))
        {
            return ConditionSchema();
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new V1JSONSchemaProps { Type = "object", AdditionalProperties = SchemaForType(valueType) };
        }

        if (ListItemType(type) is { } itemType)
        {
            return new V1JSONSchemaProps { Type = "array", Items = SchemaForType(itemType) };
        }

        if (type.IsClass)
        {
            var schema = new V1JSONSchemaProps
            {
                Type = "object",
                Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description,
                Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal),
            };
            var required = new List<string>();
            foreach (var property in OrderedProperties(type))
            {
                var name = JsonName(property);
                schema.Properties[name] = SchemaFor(property);
                if (property.GetCustomAttribute<RequiredAttribute>() is not null)
                {
                    required.Add(name);
                }
            }

            schema.Required = required.Count == 0 ? null : required;
            AddValidations(schema, type.GetCustomAttributes<SchemaValidationAttribute>());
            return schema;
        }

        throw new NotSupportedException($"No OpenAPI schema mapping for {type.FullName}");
    }

    private static void AddValidations(V1JSONSchemaProps schema, IEnumerable<SchemaValidationAttribute> rules)
    {
        var list = rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message }).ToList();
        if (list.Count > 0)
        {
            schema.XKubernetesValidations = list;
        }
    }

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments() is [var key, var value] && key == typeof(string) ? value : null;
    }

    private static Type? ListItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }

    // metav1.Condition, as every Kubernetes CRD generator emits it.
    private static V1JSONSchemaProps ConditionSchema() => new()
    {
        Type = "object",
        Description = "Condition contains details for one aspect of the current state of this API Resource.",
        Required = ["lastTransitionTime", "message", "reason", "status", "type"],
        Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
        {
            ["lastTransitionTime"] = new() { Type = "string", Format = "date-time", Description = "Last time the condition transitioned from one status to another." },
            ["message"] = new() { Type = "string", MaxLength = 32768, Description = "A human readable message indicating details about the transition." },
            ["observedGeneration"] = new() { Type = "integer", Format = "int64", Minimum = 0, Description = "The .metadata.generation that the condition was set based upon." },
            ["reason"] = new() { Type = "string", MinLength = 1, MaxLength = 1024, Pattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", Description = "A programmatic identifier indicating the reason for the condition's last transition." },
            ["status"] = new() { Type = "string", EnumProperty = ["True", "False", "Unknown"], Description = "Status of the condition, one of True, False, Unknown." },
            ["type"] = new() { Type = "string", MaxLength = 316, Pattern = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$", Description = "Type of condition in CamelCase or in foo.example.com/CamelCase." },
        },
    };
}
