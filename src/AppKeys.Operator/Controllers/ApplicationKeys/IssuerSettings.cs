using AppKeys.Operator.Hosting;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>The operator-wide settings a JWT is issued with (flags): part of what a token is issued from.</summary>
public sealed record IssuerSettings(string Issuer, IReadOnlyList<string> Audiences, string SigningAlgorithm)
{
    public static IssuerSettings From(OperatorOptions options) => new(options.Issuer, [.. options.Audiences], options.SigningAlgorithm.ToString());
}
