import Foundation
import SSMLCore
import SSMLEngine
import SSMLTestSupport
import Testing

/// `ssml batch`, run as a user and as a job runner would run it.
@Suite(.ownThread, .serialized, .timeLimit(.minutes(10))) struct BatchCommandTests {
    static let prompts = """
        # voices: en-us-female | de-de-male
        # formats: vonage-stream | wav-8000-mulaw
        # template: {id}/{voice}-{format}.{ext}
        id,text,formats,loudness
        welcome,"Welcome to <emphasis>Acme</emphasis>. Press 1 for sales.",,
        code,"Your code is <say-as interpret-as=""characters"">A7X9</say-as>.",,
        web,Thank you for calling. Goodbye!,vonage-mp3,-19
        hours,"<speak><p>We are open from nine to five.</p><p>Please call again.</p></speak>",,
        menu,"For billing, press two. <break time=""400ms""/> For anything else, stay on the line.",,
        """

    func folder(_ csv: String = Self.prompts, name: String = "prompts.csv") throws -> URL {
        let folder = try Repository.scratchDirectory()
        try csv.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return folder
    }

    /// Runs `ssml` with extra environment variables.
    func ssml(_ arguments: [String], in directory: URL, environment: [String: String] = [:], timeLimit: Double = 300) throws -> ProcessResult {
        guard !environment.isEmpty else { return try run(Repository.ssmlBinary, arguments, in: directory, timeLimit: timeLimit) }
        let env = "/usr/bin/env"
        return try run(URL(fileURLWithPath: env), environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [Repository.ssmlBinary.path] + arguments, in: directory, timeLimit: timeLimit)
    }

    /// Every output file under `folder` (not the manifests or the batch's state), by path, with its bytes.
    func outputs(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker {
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            if relative.hasPrefix(".ssml-batch") || relative.hasPrefix("manifest") { continue }
            if (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true { files[relative] = try Data(contentsOf: url) }
        }
        return files
    }

    /// The manifest's entries; each must match its file.
    @discardableResult
    func checkManifest(_ out: URL, name: String = "manifest.json", sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [OutputEntry] {
        var entries: [OutputEntry] = []
        try OutputManifest.read(out.appendingPathComponent(name)) { _, entry in entries.append(entry) }
        for entry in entries {
            let data = try Data(contentsOf: out.appendingPathComponent(entry.path))
            #expect(data.count == entry.bytes && SHA256.hash(data).hex == entry.sha256, "\(entry.path) does not match the manifest", sourceLocation: sourceLocation)
        }
        return entries
    }

    @Test func outputsHaveTheBytesOfSsmlRenderOfTheSameRow() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ssml(["batch", "prompts.csv", "-o", "out", "-j", "2"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try checkManifest(folder.appendingPathComponent("out"))
        #expect(entries.count == 18)
        // The same texts rendered one by one by `ssml render`, with the options the rows ask for.
        let cases: [(text: String, voice: String, options: [String], path: String)] = [
            ("Your code is <say-as interpret-as=\"characters\">A7X9</say-as>.", "de-de-male", ["--rate", "8000", "--encoding", "mulaw"], "code/de-de-male-wav-8000-mulaw.wav"),
            ("Welcome to <emphasis>Acme</emphasis>. Press 1 for sales.", "en-us-female", ["--preset", "vonage-stream"], "welcome/en-us-female-vonage-stream.wav"),
            ("Thank you for calling. Goodbye!", "de-de-male", ["--preset", "vonage-mp3", "--loudness", "-19"], "web/de-de-male-vonage-mp3.mp3"),
            ("For billing, press two. <break time=\"400ms\"/> For anything else, stay on the line.", "en-us-female", ["--rate", "8000", "--encoding", "mulaw"], "menu/en-us-female-wav-8000-mulaw.wav"),
        ]
        for item in cases {
            try item.text.write(to: folder.appendingPathComponent("one.txt"), atomically: true, encoding: .utf8)
            let extensionName = (item.path as NSString).pathExtension
            let render = try ssml(["render", "one.txt", "-o", "one.\(extensionName)", "--voice", item.voice] + item.options, in: folder)
            #expect(render.status == 0, "\(render.stderr)")
            let expected = try Data(contentsOf: folder.appendingPathComponent("one.\(extensionName)"))
            let batch = try Data(contentsOf: folder.appendingPathComponent("out").appendingPathComponent(item.path))
            #expect(batch == expected, "\(item.path) differs from ssml render")
            #expect(expected.count > 4000)
        }
        // The loudness row was measured at its target.
        let web = try #require(entries.first { $0.path == "web/en-us-female-vonage-mp3.mp3" })
        #expect(abs((web.lufs ?? 0) + 19) < 0.3 && web.container == "mp3" && web.rate == 16000)
    }

    @Test func everyFormatOfARowHasTheBytesOfItsOwnSsmlRender() throws {
        // One synthesis serves all of a row's formats in a voice: every rate, loudness target and container must still
        // be exactly what `ssml render` writes for that row and format alone.
        let csv = """
            # formats: vonage-stream | wav-8000-mulaw | flac-48k | vonage-mp3 | ogg-24k
            # template: {id}/{voice}-{format}.{ext}
            id,text,voices,loudness
            menu,"For billing, press <emphasis>two</emphasis>. <break time=""300ms""/> <audio src=""chime.wav""/> Otherwise stay on the line.",en-us-female|de-de-male,
            loud,Your call is important to us. Please hold.,en-gb-male,-16
            fit,"<speak><prosody duration=""2.4s"">Thank you for calling the help desk.</prosody> Goodbye.</speak>",en-us-female,
            """
        let folder = try folder(csv)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Samples/chime.wav"), to: folder.appendingPathComponent("chime.wav"))
        let result = try ssml(["batch", "prompts.csv", "-o", "out", "-j", "2", "-q"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try checkManifest(folder.appendingPathComponent("out"))
        #expect(entries.count == 20)
        let formats: [String: (suffix: String, options: [String])] = [
            "vonage-stream": ("wav", ["--preset", "vonage-stream"]), "wav-8000-mulaw": ("wav", ["--rate", "8000", "--encoding", "mulaw"]),
            "flac-48k": ("flac", ["--rate", "48000"]), "vonage-mp3": ("mp3", ["--preset", "vonage-mp3"]), "ogg-24k": ("ogg", ["--rate", "24000"]),
        ]
        let texts = [
            "menu": "For billing, press <emphasis>two</emphasis>. <break time=\"300ms\"/> <audio src=\"chime.wav\"/> Otherwise stay on the line.",
            "loud": "Your call is important to us. Please hold.",
            "fit": "<speak><prosody duration=\"2.4s\">Thank you for calling the help desk.</prosody> Goodbye.</speak>",
        ]
        for entry in entries {
            let format = try #require(formats[entry.format])
            let text = try #require(texts[entry.id])
            try text.write(to: folder.appendingPathComponent("one.txt"), atomically: true, encoding: .utf8)
            let loudness = entry.id == "loud" ? ["--loudness", "-16"] : []
            let render = try ssml(["render", "one.txt", "-o", "one.\(format.suffix)", "--voice", entry.voice, "--force"] + format.options + loudness, in: folder)
            #expect(render.status == 0, "\(render.stderr)")
            let expected = try Data(contentsOf: folder.appendingPathComponent("one.\(format.suffix)"))
            let batch = try Data(contentsOf: folder.appendingPathComponent("out").appendingPathComponent(entry.path))
            #expect(batch == expected, "\(entry.path) differs from ssml render")
            #expect(expected.count > 4000 && entry.rate == (entry.format == "wav-8000-mulaw" ? 8000 : entry.format == "flac-48k" ? 48000 : entry.format == "ogg-24k" ? 24000 : 16000))
            if entry.id == "loud" { #expect(abs((entry.lufs ?? 0) + 16) < 0.5, "\(entry.path): \(entry.lufs ?? 0) LUFS") }
            if entry.id == "fit" { #expect(entry.duration > 2.4 && entry.duration < 3.6, "\(entry.path): \(entry.duration) s") }
        }
    }

    @Test func theUnionOfShardsIsTheUnshardedRunAndMergeGivesItsManifest() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try ssml(["batch", "prompts.csv", "-o", "all", "-q"], in: folder).status == 0)
        let whole = try outputs(folder.appendingPathComponent("all"))
        #expect(whole.count == 18)
        // Four machines, each with its own folder: --shard K/4.
        var union: [String: Data] = [:]
        let merged = folder.appendingPathComponent("merged")
        try FileManager.default.createDirectory(at: merged, withIntermediateDirectories: true)
        for index in 1...4 {
            let result = try ssml(["batch", "prompts.csv", "-o", "shard\(index)", "--shard", "\(index)/4", "-q"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            let part = try outputs(folder.appendingPathComponent("shard\(index)"))
            #expect(Set(part.keys).isDisjoint(with: union.keys))
            union.merge(part) { a, _ in a }
            let name = "manifest.shard-\(index)-of-4.json"
            try checkManifest(folder.appendingPathComponent("shard\(index)"), name: name)
            try FileManager.default.copyItem(at: folder.appendingPathComponent("shard\(index)/\(name)"), to: merged.appendingPathComponent(name))
        }
        #expect(union == whole)
        let merge = try ssml(["batch", "merge", "merged"], in: folder)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try Data(contentsOf: merged.appendingPathComponent("manifest.json")) == Data(contentsOf: folder.appendingPathComponent("all/manifest.json")))
        #expect(try Data(contentsOf: merged.appendingPathComponent("manifest.csv")) == Data(contentsOf: folder.appendingPathComponent("all/manifest.csv")))

        // A missing shard, a shard given twice: errors, and no manifest written.
        try FileManager.default.removeItem(at: merged.appendingPathComponent("manifest.json"))
        let parts = (1...4).map { "merged/manifest.shard-\($0)-of-4.json" }
        let missing = try ssml(["batch", "merge"] + parts.dropLast(), in: folder)
        #expect(missing.status != 0 && missing.stderr.contains("shard 4/4 missing"), "\(missing.stderr)")
        let twice = try ssml(["batch", "merge"] + parts + [parts[1]], in: folder)
        #expect(twice.status != 0 && twice.stderr.contains("shard 2/4 is given twice"), "\(twice.stderr)")
        #expect(!FileManager.default.fileExists(atPath: merged.appendingPathComponent("manifest.json").path))
    }

    @Test func jobRunnersChooseTheShardThroughTheirEnvironment() throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try ssml(["batch", "prompts.csv", "-o", "all", "-q"], in: folder).status == 0)
        let whole = try outputs(folder.appendingPathComponent("all"))
        // Kubernetes: JOB_COMPLETION_INDEX 0…2 with --shards 3, all into one shared folder.
        for index in 0..<3 {
            let result = try ssml(["batch", "prompts.csv", "-o", "k8s", "--shards", "3", "--json"], in: folder, environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            #expect(result.status == 0, "\(result.stderr)")
            let events = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(events.first { $0["event"] as? String == "planned" }?["shard"] as? String == "\(index + 1)/3")
        }
        #expect(try outputs(folder.appendingPathComponent("k8s")) == whole)
        #expect(try ssml(["batch", "merge", "k8s"], in: folder).status == 0)
        #expect(try Data(contentsOf: folder.appendingPathComponent("k8s/manifest.json")) == Data(contentsOf: folder.appendingPathComponent("all/manifest.json")))
        // AWS Batch array jobs: the index and the array size.
        for index in 0..<2 {
            let result = try ssml(["batch", "prompts.csv", "-o", "aws", "-q"], in: folder, environment: ["AWS_BATCH_JOB_ARRAY_INDEX": "\(index)", "AWS_BATCH_JOB_ARRAY_SIZE": "2"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try outputs(folder.appendingPathComponent("aws")) == whole)
        #expect(try ssml(["batch", "merge", "aws"], in: folder).status == 0)
        #expect(try Data(contentsOf: folder.appendingPathComponent("aws/manifest.json")) == Data(contentsOf: folder.appendingPathComponent("all/manifest.json")))
        // An index without the count is a usage error before any work.
        let bad = try ssml(["batch", "prompts.csv", "-o", "bad"], in: folder, environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(bad.status == 64 && bad.stderr.contains("give --shards N"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("bad").path))
    }

    /// The README's Kubernetes Indexed Job and GitHub Actions matrix, run with the environment they give.
    @Test func theReadmesJobRunnerExamplesWork() throws {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```yaml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let kubernetes = try #require(blocks.first { $0.contains("completionMode: Indexed") && $0.contains("ssml") })
        let actions = try #require(blocks.first { $0.contains("matrix:") && $0.contains("ssml batch") })
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try ssml(["batch", "prompts.csv", "-o", "all", "-q"], in: folder).status == 0)
        let whole = try outputs(folder.appendingPathComponent("all"))

        // Kubernetes: `completions: N` pods, each with JOB_COMPLETION_INDEX, running the container's command; /data is
        // the shared volume; then the merge job's command.
        let written = try #require(kubernetes.firstMatch(of: /completions: (\d+)/)?.1)
        let completions = try #require(Int(written))
        let commands = kubernetes.matches(of: /command: (\[.*\])/).map { String($0.1) }
        #expect(commands.count == 2)
        func argv(_ json: String) throws -> [String] {
            let words = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String])
            #expect(words.first == "ssml")
            return words.dropFirst().map { $0.replacingOccurrences(of: "/data/", with: folder.path + "/k8s-volume/") }
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("k8s-volume"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("prompts.csv"), to: folder.appendingPathComponent("k8s-volume/prompts.csv"))
        // The manifest names rows by the path the command was given: the unsharded reference is given the same.
        let reference = try ssml(["batch", folder.path + "/k8s-volume/prompts.csv", "-o", folder.path + "/k8s-reference", "-q"], in: folder)
        #expect(reference.status == 0, "\(reference.stderr)")
        for index in 0..<completions {
            let result = try ssml(try argv(commands[0]), in: folder, environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let merge = try ssml(try argv(commands[1]), in: folder)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try outputs(folder.appendingPathComponent("k8s-volume/out")) == whole)
        #expect(try Data(contentsOf: folder.appendingPathComponent("k8s-volume/out/manifest.json")) == Data(contentsOf: folder.appendingPathComponent("k8s-reference/manifest.json")))

        // GitHub Actions: one runner per matrix entry with its own checkout; the merge job downloads every
        // shard's artifact into one folder, then runs its step.
        let matrix = try #require(actions.firstMatch(of: /shard: \[([0-9, ]+)\]/)?.1)
        let shards = matrix.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let steps = actions.matches(of: /run: (ssml batch[^\n]*)/).map { String($0.1) }
        #expect(steps.count == 2 && shards.count > 1)
        let artifacts = folder.appendingPathComponent("artifacts")
        let unsharded = folder.appendingPathComponent("runner-all")
        try FileManager.default.createDirectory(at: unsharded.appendingPathComponent("prompts"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("prompts.csv"), to: unsharded.appendingPathComponent("prompts/prompts.csv"))
        #expect(try ssml(["batch", "prompts/prompts.csv", "-o", "out", "-q"], in: unsharded).status == 0)
        for shard in shards {
            let runner = folder.appendingPathComponent("runner-\(shard)")
            try FileManager.default.createDirectory(at: runner.appendingPathComponent("prompts"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: folder.appendingPathComponent("prompts.csv"), to: runner.appendingPathComponent("prompts/prompts.csv"))
            let words = steps[0].replacingOccurrences(of: "${{ matrix.shard }}", with: shard).split(separator: " ").map(String.init).dropFirst()
            let result = try ssml(Array(words), in: runner)
            #expect(result.status == 0, "\(result.stderr)")
            // actions/download-artifact with merge-multiple: every shard's out/ in one folder (hidden files are not uploaded).
            for (path, data) in try outputs(runner.appendingPathComponent("out")) {
                let target = artifacts.appendingPathComponent("out").appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: target)
            }
            let name = "manifest.shard-\(shard)-of-\(shards.count).json"
            try FileManager.default.copyItem(at: runner.appendingPathComponent("out/\(name)"), to: artifacts.appendingPathComponent("out/\(name)"))
        }
        let mergeStep = try ssml(steps[1].split(separator: " ").map(String.init).dropFirst().map { $0 }, in: artifacts)
        #expect(mergeStep.status == 0, "\(mergeStep.stderr)")
        #expect(try outputs(artifacts.appendingPathComponent("out")) == whole)
        #expect(try Data(contentsOf: artifacts.appendingPathComponent("out/manifest.json")) == Data(contentsOf: unsharded.appendingPathComponent("out/manifest.json")))
    }

    @Test func aKilledRunLeavesWholeFilesAndATrueManifestAndTheRerunFinishesIt() throws {
        var rows = "# template: {id}.{ext}\nid,text\n"
        for index in 0..<36 { rows += "p\(index),Prompt number \(index) of the library: please hold while we connect you.\n" }
        let folder = try folder(rows)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let process = Process()
        process.executableURL = Repository.ssmlBinary
        process.arguments = ["batch", "prompts.csv", "-o", "out", "-j", "2", "-q"]
        process.currentDirectoryURL = folder
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Kill it once some outputs are done and more are being written.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning, (try? outputs(out).count) ?? 0 < 8 { usleep(20_000) }
        #expect(process.isRunning, "the batch finished before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let left = try outputs(out)
        #expect(left.count >= 8 && left.count < 36)
        // Every file there is whole: a WAV whose header matches its size, no temporary files.
        for (path, data) in left {
            #expect(WAVHeader(data) != nil, "\(path) is not a whole WAV file")
            #expect(!path.contains(".ssml-tmp-"))
        }
        // The manifest is readable and true: what it lists is there with its hash.
        let listed = try checkManifest(out)
        #expect(listed.count <= left.count)
        // The rerun renders only what is missing (the journal tells it what was finished) and completes the manifest.
        let rerun = try ssml(["batch", "prompts.csv", "-o", "out", "--json"], in: folder)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let summary = try #require(String(decoding: rerun.stdout, as: UTF8.self).split(separator: "\n").last.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        let rendered = try #require(summary["rendered"] as? Int), upToDate = try #require(summary["upToDate"] as? Int)
        #expect(rendered + upToDate == 36 && upToDate >= left.count - 2, "\(summary)")
        #expect(try checkManifest(out).count == 36)
        // And the result is the one an uninterrupted run gives.
        #expect(try ssml(["batch", "prompts.csv", "-o", "clean", "-q"], in: folder).status == 0)
        #expect(try outputs(out) == outputs(folder.appendingPathComponent("clean")))
        #expect(try Data(contentsOf: out.appendingPathComponent("manifest.json")) == Data(contentsOf: folder.appendingPathComponent("clean/manifest.json")))
    }

    static let canMountTmpfs: Bool = {
        let probe = try? run(URL(fileURLWithPath: "/usr/bin/unshare"), ["-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /tmp && true"], timeLimit: 20)
        return probe?.status == 0
    }()

    @Test(.enabled(if: canMountTmpfs, "needs a mount namespace (unshare -rm) to make a small file system"))
    func aFullDiskStopsTheRunWithAClearErrorAndTheManifestStaysTrue() throws {
        var rows = "# template: {id}.{ext}\nid,text\n"
        for index in 0..<30 { rows += "p\(index),Prompt number \(index): thank you for your patience while we find an agent.\n" }
        let folder = try folder(rows)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A 600 KiB file system holds a few outputs (about 110 KB each); what it holds is copied out to be checked.
        let script = """
            mkdir -p small report && mount -t tmpfs -o size=600k tmpfs small || exit 90
            "$0" batch prompts.csv -o small/out -j 2 > report/stdout 2> report/stderr
            echo $? > report/status
            cp -r small/out report/out
            """
        let result = try run(URL(fileURLWithPath: "/usr/bin/unshare"), ["-rm", "sh", "-c", script, Repository.ssmlBinary.path], in: folder, timeLimit: 300)
        #expect(result.status == 0, "\(result.stderr)")
        let report = folder.appendingPathComponent("report")
        let status = try String(contentsOf: report.appendingPathComponent("status"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let stderr = try String(contentsOf: report.appendingPathComponent("stderr"), encoding: .utf8)
        #expect(status == "1")
        #expect(stderr.contains("error: the disk is full") && stderr.contains("No space left on device"), "\(stderr)")
        #expect(stderr.contains("run again to go on"))
        let out = report.appendingPathComponent("out")
        let files = try outputs(out)
        #expect(files.count > 0 && files.count < 30)
        for (path, data) in files { #expect(WAVHeader(data) != nil, "\(path) is not whole") }
        let listed = try checkManifest(out)
        #expect(!listed.isEmpty && listed.count <= files.count)
    }

    @Test func malformedManifestsAreLocatedErrorsBeforeAnyWork() throws {
        let cases: [(String, String, String)] = [
            ("prompts.csv", "id,text\na,\"unclosed\nb,x\n", "prompts.csv:2:3: error: the quoted field opened here is never closed"),
            ("prompts.csv", "id,txt\na,x\n", "prompts.csv:1:4: error: unknown column \"txt\""),
            ("prompts.csv", "id,text\na,x\nb,y\na,z\n", "prompts.csv:4:1: error: the id \"a\" is given twice (first at prompts.csv:2)"),
            ("prompts.csv", "# formats: wav|wav-8000\nid,text\na,x\n", "prompts.csv:3: error: the output template {id}/{voice}.{ext} gives a/en-us-female.wav for two of its outputs"),
            ("prompts.json", "{\"prompts\": [{\"id\": \"a\", \"text\": \"x\",}]}", "prompts.json:1:38: error: invalid JSON: expected a key in double quotes"),
            ("prompts.yaml", "prompts:\n  - id: a\n   text: x\n", "prompts.yaml:3:4: error: invalid YAML"),
        ]
        for (name, text, expected) in cases {
            let folder = try folder(text, name: name)
            defer { try? FileManager.default.removeItem(at: folder) }
            let result = try ssml(["batch", name, "-o", "out"], in: folder)
            #expect(result.status == 64, "\(name): \(result.stderr)")
            #expect(result.stderr.hasPrefix(expected), "\(result.stderr)")
            #expect(result.stderr.contains("nothing was rendered"))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
        }
        // Unknown voices are found before any work too; the other rows are rendered, the run fails.
        let folder = try folder("id,text,voice\nok,Hello there.,\nbad,Hello,de-de-femal\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try ssml(["batch", "prompts.csv", "-o", "out"], in: folder)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "prompts.csv:3:11: error: bad: unknown voice \"de-de-femal\"; did you mean de-de-female?")
        #expect(lines.contains("1 failure:") && lines.last == "  prompts.csv:3:11: error: bad: unknown voice \"de-de-femal\"; did you mean de-de-female?")
        #expect(try outputs(folder.appendingPathComponent("out")).keys.sorted() == ["ok/en-us-female.wav"])
    }

    @Test func progressIsALinePerOutputOffATerminalJSONEventsOnRequestAndNothingWithQ() throws {
        let folder = try folder("id,text\na,First.\nb,Second.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = try ssml(["batch", "prompts.csv", "-o", "out"], in: folder)
        #expect(plain.status == 0)
        let lines = plain.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "2 outputs of 2 prompts: 2 to render, 0 up to date; 2 workers")
        #expect(lines.filter { $0.hasPrefix("[1/2] ") || $0.hasPrefix("[2/2] ") }.count == 2)
        #expect(lines.last?.hasPrefix("2 outputs: 2 rendered, 0 up to date, 0 failed in ") == true)
        let quiet = try ssml(["batch", "prompts.csv", "-o", "out", "-q", "--force"], in: folder)
        #expect(quiet.status == 0 && quiet.stderr.isEmpty && quiet.stdout.isEmpty)
        let json = try ssml(["batch", "prompts.csv", "-o", "out", "--json", "--force"], in: folder)
        let events = String(decoding: json.stdout, as: UTF8.self).split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.allSatisfy { $0 != nil } && json.stderr.isEmpty)
        let kinds = events.compactMap { $0?["event"] as? String }
        #expect(kinds.first == "manifest" || kinds.first == "planned")
        #expect(kinds.filter { $0 == "finished" }.count == 2 && kinds.last == "summary")
        #expect(events.last??["rendered"] as? Int == 2 && events.last??["succeeded"] as? Bool == true)
    }

    @Test func onATerminalAProgressBarShowsRateTimeLeftAndTheCurrentPrompt() throws {
        var rows = "id,text\n"
        for index in 0..<6 { rows += "p\(index),Prompt \(index) for the progress bar.\n" }
        let folder = try folder(rows)
        defer { try? FileManager.default.removeItem(at: folder) }
        // `script` gives the command a terminal; its output is what the terminal received.
        let command = "\(Repository.ssmlBinary.path) batch prompts.csv -o out -j 1"
        let result = try run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"], in: folder)
        let screen = String(decoding: result.stdout, as: UTF8.self)
        #expect(result.status == 0, "\(screen)")
        #expect(screen.contains("\r\u{1B}[K["), "\(screen.debugDescription)")
        #expect(screen.contains("/6 ") && screen.contains("/s") && screen.contains("ETA") && screen.contains("p"))
        #expect(screen.contains("6 outputs: 6 rendered"))
    }
}
