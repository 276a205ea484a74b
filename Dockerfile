# syntax=docker/dockerfile:1
# appkeys-operator image: `make docker-build`. CI runs this file's restore and publish lines verbatim
# (tests/E2E/DockerfileTests.cs), so a change here that breaks the build fails `make test`.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Restore first, from the project files and lock files only, so the layer is cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig BannedSymbols.txt ./
# Only the shipped projects: the host, the operator library, the runtime and the credentials library (no local API
# server, manifest generator or dev host: tests/E2E/DockerfileTests.cs checks the published files).
COPY src/AppKeys.Operator.Host/AppKeys.Operator.Host.csproj src/AppKeys.Operator.Host/packages.lock.json src/AppKeys.Operator.Host/
COPY src/AppKeys.Operator/AppKeys.Operator.csproj src/AppKeys.Operator/packages.lock.json src/AppKeys.Operator/
COPY src/AppKeys.Runtime/AppKeys.Runtime.csproj src/AppKeys.Runtime/packages.lock.json src/AppKeys.Runtime/
COPY src/AppKeys.Credentials/AppKeys.Credentials.csproj src/AppKeys.Credentials/packages.lock.json src/AppKeys.Credentials/
RUN dotnet restore src/AppKeys.Operator.Host/AppKeys.Operator.Host.csproj --locked-mode
COPY src/AppKeys.Operator.Host/ src/AppKeys.Operator.Host/
COPY src/AppKeys.Operator/ src/AppKeys.Operator/
COPY src/AppKeys.Runtime/ src/AppKeys.Runtime/
COPY src/AppKeys.Credentials/ src/AppKeys.Credentials/
RUN dotnet publish src/AppKeys.Operator.Host/AppKeys.Operator.Host.csproj -c Release --no-restore -p:UseAppHost=false -o /app

# Chiseled: no shell, no package manager, non-root by default; only the ASP.NET Core runtime.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_EnableDiagnostics=0
# metrics (/metrics) and health probes (/healthz, /readyz); the key manager's HTTPS port (/oauth2/*)
EXPOSE 8080 8443
USER 1654:1654
ENTRYPOINT ["dotnet", "/app/appkeys-operator.dll"]
