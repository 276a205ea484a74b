namespace AppKeys.E2E.Tests.Support;

/// <summary>A Dockerfile instruction such as <c>RUN dotnet publish ...</c>.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments);
