namespace AppKeys.Operator.Apis.Schema;

/// <summary>
/// A CEL rule (<c>x-kubernetes-validations</c>). Documentation only: the local API server does not evaluate CEL,
/// so every rule declared here must also be enforced by the operator (see ApplicationKeyValidator).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Class, AllowMultiple = true)]
public sealed class SchemaValidationAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;
}
