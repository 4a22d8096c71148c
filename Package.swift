// swift-tools-version: 6.0
import PackageDescription

/// How the release executables are linked, for a fast start (`ssml render` of one sentence, `make bench`):
/// - lld with `scripts/startup-order.txt` puts the functions a start runs next to each other, so the kernel maps
///   about 6 MB fewer pages of the static binary (`scripts/startup-order.sh` writes the list; stale names are ignored);
/// - a position-dependent executable has no 125,000 relative relocations to apply at every start (5-15 ms);
/// - exporting none of its 41,000 symbols keeps the dynamic loader out of 2.5 MB of symbol tables while it binds
///   the shared libraries (nothing looks our symbols up at run time: the Swift runtime reads its own sections).
/// Debug builds link as SwiftPM does by default.
let startLinking: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld", "-Xclang-linker", "-no-pie",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/scripts/startup-order.txt",
            "-Xlinker", "--no-warn-symbol-ordering", "-Xlinker", "--no-export-dynamic",
        ], .when(platforms: [.linux], configuration: .release))
]

let package = Package(
    name: "swift-ssml",
    products: [
        .executable(name: "ssml", targets: ["SSMLCommand"]),
        .executable(name: "ssml-worker", targets: ["SSMLWorker"]),
        .library(name: "SSMLKit", targets: ["SSMLCore", "SSMLEngine"]),
        .library(name: "SSMLServer", targets: ["SSMLServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // `connect` to a websocket endpoint in `ssml call`: the client alone, without a server framework.
        .package(url: "https://github.com/hummingbird-project/swift-websocket", from: "1.6.2"),
        // YAML prompt manifests for `ssml batch` and scenario files of `ssml call` and `ssml test` (libyaml, with
        // line and column in its errors).
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `ssml serve`: HTTP (and HTTPS through NIOSSL), structured logs, graceful shutdown.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The Vonage twin's RS256 JWT check (`--vonage-public-key`) and the batch's SHA-256; already in the graph
        // (swift-nio-extras -> swift-certificates).
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Thin system-library targets: a module map and a shim header each, found by pkg-config.
        // espeak-ng is linked from its static archive (libespeak-ng-dev ships it; see SSMLEngine's linker settings):
        // its shared library pulls in PulseAudio, ALSA and X11 through pcaudio, about 20 libraries and 9 ms of start
        // for an audio output this tool never opens. No pkgConfig here: it would add -lespeak-ng (the shared one).
        .systemLibrary(
            name: "CEspeakNG",
            providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(
            name: "CSndFile", pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(
            name: "CSoxr", pkgConfig: "soxr",
            providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CEbur128", pkgConfig: "libebur128",
            providers: [.apt(["libebur128-dev"])]),
        // The Linux calls Glibc's module leaves out (O_TMPFILE, prctl, pipe2).
        .systemLibrary(name: "CPosix"),

        // Parse -> plan -> render, over protocols. No C here.
        .target(name: "SSMLCore"),

        // The C-backed implementations of SSMLCore's protocols; one file per C library.
        .target(
            name: "SSMLEngine",
            dependencies: [
                "SSMLCore", "CEspeakNG", "CSndFile", "CSoxr", "CLibXML2", "CEbur128", "CPosix",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            linkerSettings: [
                // The archive, not the shared library (`-l:` names the file); its one other dependency is libsonic.
                .linkedLibrary(":libespeak-ng.a"), .linkedLibrary(":libsonic.so.0"), .linkedLibrary("m"),
            ]),

        // The HTTP server of `ssml serve`: render API, lint, catalog, OpenAPI document and preview page, over the
        // render worker pool. The page and the document are plain files in Resources/, found at run time.
        .target(
            name: "SSMLServer",
            dependencies: [
                "SSMLCore", "SSMLEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Resources"]),

        // The `ssml` command: argument parsing and wiring only.
        .executableTarget(
            name: "SSMLCommand",
            dependencies: [
                "SSMLCore", "SSMLEngine", "SSMLServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: startLinking),

        // The render worker process of the pool: a fresh-state espeak-ng that forks per job.
        .executableTarget(name: "SSMLWorker", dependencies: ["SSMLEngine"], linkerSettings: startLinking),

        .target(name: "SSMLTestSupport", dependencies: ["SSMLCore", "SSMLEngine"], path: "Tests/SSMLTestSupport"),
        .testTarget(name: "SSMLCoreTests", dependencies: ["SSMLCore", "SSMLEngine", "SSMLTestSupport"]),
        .testTarget(name: "SSMLEngineTests", dependencies: ["SSMLCore", "SSMLEngine", "SSMLTestSupport"]),
        .testTarget(name: "SSMLCommandTests", dependencies: ["SSMLCore", "SSMLEngine", "SSMLTestSupport"]),
        .testTarget(
            name: "SSMLServerTests",
            dependencies: [
                "SSMLCore", "SSMLEngine", "SSMLServer", "SSMLTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
