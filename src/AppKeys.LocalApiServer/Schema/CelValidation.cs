using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// CRD <c>x-kubernetes-validations</c> evaluated as apiextensions-apiserver 1.32 does
/// (pkg/apiserver/schema/cel/validation.go): every node's rules with <c>self</c> bound to the node's value, then its
/// children; transition rules (reading <c>oldSelf</c>) only where an old value correlates (same property or map key,
/// same <c>x-kubernetes-list-type: map</c> keys; never on create); a value equal to its correlated old value is not
/// re-validated (CRDValidationRatcheting, on by default in 1.32). Errors are kube's: <c>spec: Invalid value:
/// "object": &lt;message&gt;</c> on the node's path (or the rule's <c>fieldPath</c>), the message from
/// <c>messageExpression</c>, <c>message</c> or <c>failed rule: &lt;rule&gt;</c>, the reason mapped to Invalid,
/// Forbidden, Required or Duplicate; a runtime error reads <c>&lt;error&gt; evaluating rule: &lt;rule&gt;</c>.
/// </summary>
internal static class CelValidation
{
    public static void Validate(JsonNode? value, SchemaNode schema, JsonNode? old, bool hasOld, string path, List<FieldError> errors)
    {
        if (value is null)
        {
            return;
        }
        if (hasOld && JsonNode.DeepEquals(value, old))
        {
            return;
        }
        foreach (var rule in schema.Validations)
        {
            if (rule.IsTransition && !hasOld)
            {
                continue;
            }
            Evaluate(rule, value, schema, old, hasOld, path, errors);
        }
        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    var childSchema = schema.Properties is { } properties
                        ? properties.GetValueOrDefault(key)
                        : schema.AdditionalProperties;
                    if (childSchema is null)
                    {
                        continue;
                    }
                    var childPath = schema.Properties is not null ? Child(path, key) : $"{Root(path)}[{key}]";
                    var oldObject = hasOld ? old as JsonObject : null;
                    var hasOldChild = oldObject is not null && oldObject.ContainsKey(key);
                    Validate(child, childSchema, hasOldChild ? oldObject![key] : null, hasOldChild, childPath, errors);
                }
                break;
            case JsonArray array when schema.Items is { } items:
                var oldArray = hasOld && schema.ListType == "map" && schema.ListMapKeys.Count > 0 ? old as JsonArray : null;
                for (var i = 0; i < array.Count; i++)
                {
                    var oldItem = oldArray?.FirstOrDefault(o => SameKeys(o, array[i], schema.ListMapKeys));
                    Validate(array[i], items, oldItem, oldItem is not null, $"{Root(path)}[{i.ToString(CultureInfo.InvariantCulture)}]", errors);
                }
                break;
            default:
                break;
        }
    }

    private static void Evaluate(ValidationRule rule, JsonNode value, SchemaNode schema, JsonNode? old, bool hasOld, string path, List<FieldError> errors)
    {
        var variables = new Dictionary<string, (JsonNode?, SchemaNode?)>(StringComparer.Ordinal) { ["self"] = (value, schema) };
        if (hasOld)
        {
            variables["oldSelf"] = (old, schema);
        }
        var type = schema.Type ?? "";
        var errorPath = rule.FieldPath.Length > 0 ? Join(path, rule.FieldPath) : Display(path);
        object? result;
        try
        {
            result = CelEvaluator.Shared.Evaluate(rule.CompiledRule, variables);
        }
        catch (CelEvaluationException ex)
        {
            errors.Add(RuntimeError(Display(path), type, ex.Message, rule));
            return;
        }
        if (result is not bool passed)
        {
            errors.Add(RuntimeError(Display(path), type, "no such overload", rule));
            return;
        }
        if (passed)
        {
            return;
        }
        var detail = MessageOrDefault(rule);
        if (rule.CompiledMessage is { } messageExpression)
        {
            try
            {
                if (CelEvaluator.Shared.Evaluate(messageExpression, variables) is string message
                    && message.Trim().Length > 0 && !message.Contains('\n', StringComparison.Ordinal))
                {
                    detail = message;
                }
            }
            catch (CelEvaluationException)
            {
                // kube logs a failed messageExpression and falls back to the message.
            }
        }
        errors.Add(rule.Reason switch
        {
            "FieldValueForbidden" => FieldError.ForbiddenValue(errorPath, detail),
            "FieldValueRequired" => FieldError.RequiredValue(errorPath, detail),
            "FieldValueDuplicate" => FieldError.DuplicateValue(errorPath, JsonValue.Create(type)),
            _ => FieldError.InvalidValue(errorPath, JsonValue.Create(type), detail),
        });
    }

    private static FieldError RuntimeError(string path, string type, string error, ValidationRule rule) =>
        FieldError.InvalidValue(path, JsonValue.Create(type), error == "no such overload"
            ? $"'{error}': call arguments did not match a supported operator, function or macro signature for rule: {ErrorString(rule)}"
            : $"{error} evaluating rule: {ErrorString(rule)}");

    /// <summary>ruleMessageOrDefault: the trimmed message, else <c>failed rule: &lt;rule&gt;</c>.</summary>
    private static string MessageOrDefault(ValidationRule rule) =>
        rule.Message.Length > 0 ? rule.Message.Trim() : $"failed rule: {ErrorString(rule)}";

    /// <summary>ruleErrorString: the trimmed message when there is one, else the trimmed rule.</summary>
    private static string ErrorString(ValidationRule rule) => rule.Message.Length > 0 ? rule.Message.Trim() : rule.Rule.Trim();

    private static bool SameKeys(JsonNode? a, JsonNode? b, IReadOnlyList<string> keys) =>
        a is JsonObject x && b is JsonObject y && keys.All(k => JsonNode.DeepEquals(x[k], y[k]));

    private static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Root(string path) => path;

    /// <summary>A field.Path of nothing prints <c>&lt;nil&gt;</c> (a rule on the root of the schema).</summary>
    private static string Display(string path) => path.Length == 0 ? "<nil>" : path;

    /// <summary>
    /// A rule's <c>fieldPath</c> (<c>.spec.x</c>, <c>.map['key']</c>, <c>.list[0]</c>) appended to the node's path, as
    /// kube's ValidFieldPath renders it (<c>spec.x</c>, <c>map[key]</c>, <c>list[0]</c>).
    /// </summary>
    private static string Join(string path, string fieldPath)
    {
        var sb = new StringBuilder(path);
        var i = 0;
        while (i < fieldPath.Length)
        {
            if (fieldPath[i] == '.')
            {
                var end = i + 1;
                while (end < fieldPath.Length && fieldPath[end] is not ('.' or '['))
                {
                    end++;
                }
                if (sb.Length > 0)
                {
                    sb.Append('.');
                }
                sb.Append(fieldPath, i + 1, end - i - 1);
                i = end;
            }
            else if (fieldPath[i] == '[')
            {
                var end = fieldPath.IndexOf(']', i);
                end = end < 0 ? fieldPath.Length : end;
                sb.Append('[').Append(fieldPath[(i + 1)..end].Trim('\'')).Append(']');
                i = end + 1;
            }
            else
            {
                i++;
            }
        }
        return sb.Length == 0 ? "<nil>" : sb.ToString();
    }
}
