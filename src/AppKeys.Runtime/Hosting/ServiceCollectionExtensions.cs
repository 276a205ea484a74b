using System.Diagnostics.CodeAnalysis;
using AppKeys.Runtime.Client;
using AppKeys.Runtime.Controllers;
using AppKeys.Runtime.Events;
using AppKeys.Runtime.Informers;
using AppKeys.Runtime.LeaderElection;
using AppKeys.Runtime.Metrics;
using AppKeys.Runtime.Queue;
using k8s;
using k8s.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AppKeys.Runtime.Hosting;

/// <summary>DI registration of the controller runtime, informers and controllers.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>DI key of the <see cref="KubernetesConnection"/> the event recorder writes through.</summary>
    public const string EventsClientKey = "appkeys-runtime-events";

    /// <summary>
    /// Registers <see cref="StartupMemoryTrim"/>: one compacting collection that returns the start-up's garbage to the
    /// operating system once the caches have synced and the process went quiet. For a process that runs the operator
    /// and nothing else.
    /// </summary>
    public static IServiceCollection AddStartupMemoryTrim(this IServiceCollection services, Action<StartupMemoryTrimOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new StartupMemoryTrimOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(sp => new StartupMemoryTrim(
            sp.GetServices<IInformer>(),
            sp.GetRequiredService<TimeProvider>(),
            options,
            sp.GetService<ILogger<StartupMemoryTrim>>()));
        services.AddHostedService(sp => sp.GetRequiredService<StartupMemoryTrim>());
        return services;
    }

    /// <summary>
    /// Registers the runtime: <see cref="TimeProvider"/> (system, unless registered before), <see cref="RuntimeMetrics"/>,
    /// a rate-limited <see cref="KubernetesConnection"/> (no <c>k8s.Kubernetes</c>: see there), <see cref="KubernetesTransport"/>,
    /// <see cref="IResourceClient{T}"/> for every kind, <see cref="IEventRecorder"/>, <see cref="LeaderElector"/>,
    /// <see cref="RuntimeHealth"/> and the <see cref="ControllerManager"/> hosted service. Safe to call more than once
    /// (each call adds its configure delegate).
    /// </summary>
    public static IServiceCollection AddControllerRuntime(this IServiceCollection services, Action<ControllerRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ControllerRuntimeOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ControllerManager)))
        {
            return services;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new RuntimeMetrics());
        // The HTTP pipeline only (KubernetesConnection), never a k8s.Kubernetes: its constructor sets up the client
        // library's reflection-based JSON, which the Native AOT executable cannot contain. Register a
        // KubernetesConnection before this call to replace it (tests: extra handlers such as fault injection).
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value;
            var config = o.Kubernetes ?? Kubeconfig.Default();
            return KubernetesConnection.Create(config, new RateLimitingHandler(o.RateLimit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RuntimeMetrics>()));
        });
        services.TryAddSingleton(_ => new LeadershipFence());
        services.TryAddSingleton(sp => new KubernetesTransport(sp.GetRequiredService<KubernetesConnection>(), sp.GetRequiredService<LeadershipFence>()));
        services.TryAddSingleton(typeof(IResourceClient<>), typeof(ResourceClient<>));
        // Events get their own connection (own connection pool and rate limit, the same write fence), so the background
        // event writer never spends the budget reconciles share.
        services.TryAddKeyedSingleton(EventsClientKey, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value;
            var config = o.Kubernetes ?? Kubeconfig.Default();
            return KubernetesConnection.Create(config, new RateLimitingHandler(o.Events.RateLimit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<RuntimeMetrics>()));
        });
        services.TryAddSingleton(sp => new EventRecorder(
            new ResourceClient<Corev1Event>(new KubernetesTransport(sp.GetRequiredKeyedService<KubernetesConnection>(EventsClientKey), sp.GetRequiredService<LeadershipFence>())),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.Events,
            sp.GetService<ILogger<EventRecorder>>(),
            sp.GetRequiredService<RuntimeMetrics>()));
        services.TryAddSingleton<IEventRecorder>(sp => sp.GetRequiredService<EventRecorder>());
        services.TryAddSingleton(sp => new LeaderElector(
            sp.GetRequiredService<IResourceClient<V1Lease>>(),
            sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.LeaderElection,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RuntimeMetrics>(),
            sp.GetService<ILogger<LeaderElector>>(),
            sp.GetRequiredService<LeadershipFence>()));
        services.TryAddSingleton(sp => new RuntimeHealth(sp.GetServices<IInformer>(), Elector(sp)));
        services.AddSingleton(sp => new ControllerManager(
            sp.GetServices<IInformer>(),
            sp.GetServices<IController>(),
            sp.GetRequiredService<RuntimeHealth>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<ControllerManager>>(),
            Elector(sp),
            sp.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.LeaderElection));
        services.AddHostedService(sp => sp.GetRequiredService<ControllerManager>());

        // The host must wait for the controllers' graceful stop (plus the informers and the lease release).
        services.AddOptions<HostOptions>().Configure<IOptions<ControllerRuntimeOptions>>((host, runtime) =>
        {
            var needed = runtime.Value.ShutdownTimeout + TimeSpan.FromSeconds(5);
            if (host.ShutdownTimeout < needed)
            {
                host.ShutdownTimeout = needed;
            }
        });
        return services;
    }

    /// <summary>
    /// Registers (once) the shared informer for <typeparamref name="T"/> (built-in or custom resource) and applies
    /// <paramref name="configure"/> to its options (namespaces, label selector, resync, indexers). Every call adds its
    /// delegate, so a controller's <c>Owns&lt;T&gt;()</c> and an explicit <c>AddInformer&lt;T&gt;(...)</c> combine.
    /// Resolve it as <see cref="IInformer{T}"/> to read its cache.
    /// </summary>
    public static IServiceCollection AddInformer<T>(this IServiceCollection services, Action<InformerOptions<T>>? configure = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<InformerOptions<T>>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(Informer<T>)))
        {
            return services;
        }

        services.AddSingleton(sp => new Informer<T>(
            sp.GetRequiredService<IResourceClient<T>>(),
            sp.GetRequiredService<IOptions<InformerOptions<T>>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<RuntimeMetrics>(),
            sp.GetService<ILogger<Informer<T>>>()));
        services.AddSingleton<IInformer<T>>(sp => sp.GetRequiredService<Informer<T>>());
        services.AddSingleton<IInformer>(sp => sp.GetRequiredService<Informer<T>>());
        return services;
    }

    /// <summary>
    /// Registers a controller for <typeparamref name="T"/> whose reconciles run <typeparamref name="TReconciler"/>
    /// (registered as scoped unless already registered; resolved per reconcile). Registers the informers it needs.
    /// Several controllers may share a kind (one concern each) if their names differ.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddController&lt;V1Alpha1ApplicationKey, ApplicationKeySecretReconciler&gt;(c =&gt; c
    ///     .WithName("applicationkey-secret")
    ///     .Owns&lt;V1Secret&gt;());
    /// </code>
    /// </example>
    public static IServiceCollection AddController<T, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TReconciler>(this IServiceCollection services, Action<ControllerBuilder<T>>? configure = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TReconciler : class, IReconciler<T>
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new ControllerBuilder<T>();
        configure?.Invoke(builder);
        var name = builder.Name;
        if (services.Any(d => d.ServiceType == typeof(ControllerRegistration) && d.ImplementationInstance is ControllerRegistration r && r.Name == name))
        {
            throw new InvalidOperationException($"A controller named '{name}' is already registered; give the second one another name with WithName().");
        }

        services.AddSingleton(new ControllerRegistration(name));
        services.AddInformer<T>();
        foreach (var register in builder.InformerRegistrations)
        {
            register(services);
        }

        services.TryAddScoped<TReconciler>();
        var queueOptions = new WorkQueueOptions { Name = name, BaseRetryDelay = builder.BaseRetryDelay, MaxRetryDelay = builder.MaxRetryDelay };
        services.AddSingleton<IController>(sp => new Controller<T>(
            name,
            builder.Workers,
            queueOptions,
            sp.GetRequiredService<IInformer<T>>(),
            sp.GetRequiredService<IServiceScopeFactory>(),
            scoped => scoped.GetRequiredService<TReconciler>(),
            [.. builder.Sources.Select(source => (Func<Action<ObjectKey>, IDisposable>)(enqueue => source(sp, enqueue)))],
            sp.GetService<IOptions<ControllerRuntimeOptions>>()?.Value.ShutdownTimeout ?? TimeSpan.FromSeconds(25),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<RuntimeMetrics>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger($"AppKeys.Runtime.Controller.{name}")));
        return services;
    }

    private static LeaderElector? Elector(IServiceProvider services) =>
        services.GetRequiredService<IOptions<ControllerRuntimeOptions>>().Value.LeaderElection.Enabled
            ? services.GetRequiredService<LeaderElector>()
            : null;

    private sealed record ControllerRegistration(string Name);
}
