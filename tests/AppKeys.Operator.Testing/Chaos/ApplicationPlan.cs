namespace AppKeys.Operator.Testing.Chaos;

/// <summary>One Application of the chaos scenario.</summary>
public sealed record ApplicationPlan(string Namespace, string Name, string TokenType, IReadOnlyList<string> KeyTypes, IReadOnlyList<string>? AllowedScopes)
{
    /// <summary>Its consumer secrets are regenerated on request during the run (every key of it gets one more token).</summary>
    public bool Regenerate { get; init; }

    public string SecretName => $"{Name}-credentials";

    public override string ToString() => $"{Namespace}/{Name}";
}
