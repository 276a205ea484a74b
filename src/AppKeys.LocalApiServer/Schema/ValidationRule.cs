using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AppKeys.LocalApiServer.GoCompat;

namespace AppKeys.LocalApiServer.Schema;

/// <summary>
/// One <c>x-kubernetes-validations</c> entry (apiextensions ValidationRule): the rule, its message or
/// messageExpression, the reason (FieldValueInvalid by default), the fieldPath the error is reported on, and the
/// expressions compiled once per schema.
/// </summary>
internal sealed partial class ValidationRule
{
    private CelEvaluator.Compiled? compiledRule;
    private CelEvaluator.Compiled? compiledMessage;

    public required string Rule { get; init; }
    public string Message { get; init; } = "";
    public string MessageExpression { get; init; } = "";
    public string? Reason { get; init; }
    public string FieldPath { get; init; } = "";
    public bool? OptionalOldSelf { get; init; }

    /// <summary>A transition rule (it reads <c>oldSelf</c>): evaluated only on an update with a correlated old value.</summary>
    public bool IsTransition => OldSelf().IsMatch(Rule);

    public CelEvaluator.Compiled CompiledRule => compiledRule ??= CelEvaluator.Shared.Compile(Rule);

    public CelEvaluator.Compiled? CompiledMessage =>
        MessageExpression.Length == 0 ? null : compiledMessage ??= CelEvaluator.Shared.Compile(MessageExpression);

    public static IReadOnlyList<ValidationRule> Parse(JsonNode? node) => node is not JsonArray rules
        ? []
        : rules.OfType<JsonObject>().Select(r => new ValidationRule
        {
            Rule = Text(r, "rule"),
            Message = Text(r, "message"),
            MessageExpression = Text(r, "messageExpression"),
            Reason = r["reason"] is JsonValue v && v.TryGetValue<string>(out var reason) ? reason : null,
            FieldPath = Text(r, "fieldPath"),
            OptionalOldSelf = r["optionalOldSelf"] is JsonValue o && o.TryGetValue<bool>(out var optional) ? optional : null,
        }).ToList();

    /// <summary>Go's <c>%#v</c> of the internal apiextensions.ValidationRule, as kube prints it in a CRD's 422.</summary>
    public string GoString() =>
        $"apiextensions.ValidationRule{{Rule:{GoText.Quote(Rule)}, Message:{GoText.Quote(Message)}, MessageExpression:{GoText.Quote(MessageExpression)}, "
        + $"Reason:{(Reason is null ? "(*apiextensions.FieldValueErrorReason)(nil)" : $"\"{Reason}\"")}, FieldPath:{GoText.Quote(FieldPath)}, "
        + $"OptionalOldSelf:{(OptionalOldSelf is null ? "(*bool)(nil)" : "&" + (OptionalOldSelf.Value ? "true" : "false"))}}}";

    private static string Text(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    [GeneratedRegex(@"\boldSelf\b")]
    private static partial Regex OldSelf();
}
