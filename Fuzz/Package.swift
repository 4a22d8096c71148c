// swift-tools-version: 6.0
// libFuzzer harnesses for swift-ssml, built apart from the main package (`make fuzz`) so the main
// build, its tests and CI never see `-sanitize=fuzzer`. Each target feeds one input to one reader.
import PackageDescription

let package = Package(
    name: "swift-ssml-fuzz",
    dependencies: [.package(name: "swift-ssml", path: "..")],
    targets: [
        // The bodies, shared with the main package's regression test (Tests/SSMLEngineTests/FuzzTargets.swift
        // is a link to this file).
        .target(name: "FuzzTargets", dependencies: [.product(name: "SSMLKit", package: "swift-ssml")]),
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzSSML", dependencies: ["FuzzTargets", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzNCCO", dependencies: ["FuzzTargets", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzLint", dependencies: ["FuzzTargets", "CFuzzerDriver"]),
        .executableTarget(name: "FuzzAudio", dependencies: ["FuzzTargets", "CFuzzerDriver"]),
    ],
    swiftLanguageModes: [.v6]
)
