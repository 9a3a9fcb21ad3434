import Foundation
import Testing
import VigilCore
import VigilServer

/// Policy files: the example reads and writes back unchanged, and every fault is refused with
/// its line and field.
@Suite struct PolicyFileTests {
    /// `Sources/VigilServer/Resources/hospital.yaml`, read from the source tree.
    static func exampleFile() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try String(
            contentsOf: root.appendingPathComponent("Sources/VigilServer/Resources/hospital.yaml"), encoding: .utf8)
    }

    @Test func theExampleFileParses() throws {
        let file = try PolicyFile.parse(try Self.exampleFile())
        #expect(file.policies.map(\.name) == ["baseline", "byod-phones", "shared-devices", "medical-devices"])
        #expect(file.policies.allSatisfy { $0.version == 1 && $0.priority == 0 })

        let baseline = file.policies[0]
        #expect(baseline.description == "What every device that reaches PHI must satisfy.")
        #expect(baseline.scope == PolicyScope())
        #expect(baseline.requirements.minimumOSVersion?[.ios] == "17.0")
        #expect(baseline.requirements.minimumOSVersion?[.android] == "14")
        #expect(baseline.requirements.minimumOSVersion?[.windows] == "10.0.19045")
        #expect(baseline.requirements.minimumOSVersion?.count == 6)
        #expect(baseline.requirements.maximumPatchAgeDays == 90)
        #expect(baseline.requirements.passcodeRequired == true)
        #expect(baseline.requirements.minimumPasscodeLength == 6)
        #expect(baseline.requirements.minimumAgentVersion == "0.1.0")
        #expect(baseline.requirements.maximumDaysSinceCheckIn == 7)
        #expect(baseline.gracePeriodMinutes == 1440)
        #expect(baseline.escalation?.map(\.action) == [.notify, .blockPHI, .lock])
        #expect(baseline.escalation?.map(\.afterMinutes) == [0, 1440, 4320])

        let byod = file.policies[1]
        #expect(byod.scope == PolicyScope(ownership: [.byod], deviceClass: [.phone]))
        #expect(byod.requirements == PolicyRequirements(maximumPatchAgeDays: 60, maximumScreenLockSeconds: 120))
        #expect(byod.escalation?.last == EscalationStep(afterMinutes: 10080, action: .selectiveWipe))

        #expect(file.policies[2].scope == PolicyScope(ownership: [.shared]))
        #expect(file.policies[2].escalation == nil)

        let medical = file.policies[3]
        #expect(medical.scope == PolicyScope(deviceClass: [.medicalDevice]))
        #expect(medical.requirements.approvedModels?.count == 4)
        #expect(medical.requirements.approvedModels?.first == "ResMed AirSense 11")
        #expect(medical.requirements.maximumDaysSinceCheckIn == 2)
        #expect(medical.gracePeriodMinutes == nil)
    }

    @Test func theExampleFileRoundTrips() throws {
        let file = try PolicyFile.parse(try Self.exampleFile())
        let written = file.yaml()
        #expect(try PolicyFile.parse(written) == file)
        #expect(try PolicyFile.parse(written).yaml() == written)
    }

    @Test func theWriterUsesAFixedOrderAndQuotesVersions() throws {
        let policy = SecurityPolicy(
            name: "ward-tablets", description: "Tablets: on the wards", version: 7, priority: -5,
            scope: PolicyScope(ownership: [.shared], role: [.clinician, .nurseManager]),
            requirements: PolicyRequirements(
                minimumOSVersion: [.watchos: "10.0", .ios: "17.10", .android: "14"], passcodeRequired: false,
                minimumAgentVersion: "1.0", approvedModels: ["true", "iPad (10th generation)"]),
            gracePeriodMinutes: 30, escalation: [EscalationStep(afterMinutes: 0, action: .notify)])
        let bare = SecurityPolicy(name: "bare", requirements: PolicyRequirements())
        let written = PolicyFile(policies: [policy, bare]).yaml()
        #expect(
            written == """
                # Vigil policy file. Versions are kept by the server, so this file has none.
                format: vigil-policy/1
                policies:
                - name: ward-tablets
                  description: 'Tablets: on the wards'
                  priority: -5
                  scope:
                    ownership: [shared]
                    role: [clinician, nurse_manager]
                  requirements:
                    minimumOSVersion:
                      ios: "17.10"
                      android: "14"
                      watchos: "10.0"
                    passcodeRequired: false
                    minimumAgentVersion: "1.0"
                    approvedModels:
                    - 'true'
                    - iPad (10th generation)
                  gracePeriodMinutes: 30
                  escalation:
                  - afterMinutes: 0
                    action: notify

                - name: bare
                  requirements: {}

                """)
        var expected = policy
        expected.version = 1
        #expect(try PolicyFile.parse(written).policies == [expected, bare])
    }

    @Test func parsingValidatesAndNormalizes() throws {
        let file = try PolicyFile.parse(
            """
            format: vigil-policy/1
            policies:
              - name: unordered
                description: "  padded  "
                scope:
                  role: [patient, clinician, patient]
                requirements: {}
                escalation:
                  - {afterMinutes: 60, action: lock}
                  - {afterMinutes: 0, action: notify}
            """)
        let policy = try #require(file.policies.first)
        #expect(policy.description == "padded")
        #expect(policy.scope.role == [.clinician, .patient])
        #expect(policy.escalation?.map(\.afterMinutes) == [0, 60])
        #expect(try PolicyFile.parse(file.yaml()) == file)
    }

    @Test func aMedicalDeviceScopeReadsAndWritesBack() throws {
        let file = try PolicyFile.parse(
            """
            format: vigil-policy/1
            policies:
              - name: home-pumps
                scope:
                  ownership: [patient_issued, patient_owned]
                  deviceClass: [medical_device]
                  role: [patient]
                requirements:
                  minimumOSVersion: {embedded: "4.2.1"}
                  approvedModels: [Medtronic MiniMed 780G]
                  maximumDaysSinceCheckIn: 1
            """)
        let policy = try #require(file.policies.first)
        #expect(
            policy.scope == PolicyScope(
                ownership: [.patientIssued, .patientOwned], deviceClass: [.medicalDevice], role: [.patient]))
        #expect(policy.scope.matches(ownership: .patientIssued, deviceClass: .medicalDevice, roles: [.patient]))
        #expect(!policy.scope.matches(ownership: .corporate, deviceClass: .medicalDevice, roles: [.patient]))
        #expect(policy.requirements.minimumOSVersion == [.embedded: "4.2.1"])
        #expect(policy.requirements.approvedModels == ["Medtronic MiniMed 780G"])
        #expect(file.yaml().contains("deviceClass: [medical_device]"))
        #expect(try PolicyFile.parse(file.yaml()) == file)
    }

    @Test func anEmptyListOfPoliciesIsValid() throws {
        let file = try PolicyFile.parse("format: vigil-policy/1\npolicies: []\n")
        #expect(file == PolicyFile())
        #expect(file.yaml().hasSuffix("format: vigil-policy/1\npolicies: []\n"))
        #expect(try PolicyFile.parse(file.yaml()) == file)
    }

    @Test func theErrorDescriptionNamesLineAndField() {
        let error = PolicyFileError(
            line: 14, field: "policies[1].requirements.maximumPatchAgeDays", message: "must be between 0 and 3650")
        #expect(error.description == "line 14: policies[1].requirements.maximumPatchAgeDays: must be between 0 and 3650")
        #expect(PolicyFileError(line: nil, field: "", message: "x").description == "x")
    }

    @Test func aRangeErrorFromValidationNamesItsLine() throws {
        let error = try #require(throws: PolicyFileError.self) {
            try PolicyFile.parse(
                """
                format: vigil-policy/1
                policies:
                  - name: first
                    requirements:
                      maximumPatchAgeDays: 30
                  - name: second
                    requirements:
                      passcodeRequired: true
                      maximumPatchAgeDays: 5000
                """)
        }
        #expect(error.description == "line 9: policies[1].requirements.maximumPatchAgeDays: must be between 0 and 3650")
    }

    /// A file that must be refused, and the line and field its error must name.
    struct Fault: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let yaml: String
        let line: Int?
        let field: String
        /// A part of the message.
        let message: String
    }

    static let faults: [Fault] = [
        Fault(
            testDescription: "YAML syntax error",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    description: one: two
                """,
            line: 4, field: "", message: "not valid YAML"),
        Fault(
            testDescription: "repeated YAML key",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements: {}
                    name: b
                """,
            line: 3, field: "", message: "'name' appears more than once"),
        Fault(
            testDescription: "control character",
            yaml: "format: vigil-policy/1\npolicies:\n  - name: a\u{7}\n", line: 3, field: "",
            message: "not valid YAML: control characters are not allowed"),
        Fault(testDescription: "empty file", yaml: "# nothing\n", line: nil, field: "format", message: "is required"),
        Fault(testDescription: "not a mapping", yaml: "- a\n- b\n", line: 1, field: "", message: "must be a mapping"),
        Fault(
            testDescription: "missing format", yaml: "# policies\npolicies: []\n", line: 2, field: "format",
            message: "is required"),
        Fault(
            testDescription: "wrong format", yaml: "format: vigil-policy/2\npolicies: []\nfences: []\n", line: 1,
            field: "format", message: "must be vigil-policy/1, not 'vigil-policy/2'"),
        Fault(
            testDescription: "unknown top-level key", yaml: "format: vigil-policy/1\npolicies: []\nfences: []\n",
            line: 3, field: "fences", message: "is not a known key; use one of format, policies"),
        Fault(
            testDescription: "missing policies", yaml: "format: vigil-policy/1\n", line: 1, field: "policies",
            message: "is required"),
        Fault(
            testDescription: "policies not a list", yaml: "format: vigil-policy/1\npolicies:\n", line: 2,
            field: "policies", message: "must be a list, not nothing"),
        Fault(
            testDescription: "typo in a requirement",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      passcodeRequired: true
                      maximumPatchAgeDay: 30
                """,
            line: 6, field: "policies[0].requirements.maximumPatchAgeDay", message: "is not a known key"),
        Fault(
            testDescription: "unknown policy key",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements: {}
                  - name: b
                    grace: 60
                """,
            line: 6, field: "policies[1].grace", message: "is not a known key"),
        Fault(
            testDescription: "unknown scope key",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    scope:
                      owner: [byod]
                """,
            line: 5, field: "policies[0].scope.owner",
            message: "is not a known key; use one of ownership, deviceClass, role"),
        Fault(
            testDescription: "unknown escalation key",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    escalation:
                      - afterMinutes: 0
                        action: notify
                        notify: security
                """,
            line: 7, field: "policies[0].escalation[0].notify", message: "is not a known key"),
        Fault(
            testDescription: "version is the server's",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    version: 3
                """,
            line: 4, field: "policies[0].version", message: "is assigned by the server"),
        Fault(
            testDescription: "text for a number",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      maximumPatchAgeDays: "30"
                """,
            line: 5, field: "policies[0].requirements.maximumPatchAgeDays", message: "must be a whole number, not text"),
        Fault(
            testDescription: "decimal for a number",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    gracePeriodMinutes: 1.5
                """,
            line: 4, field: "policies[0].gracePeriodMinutes", message: "must be a whole number, not a decimal number"),
        Fault(
            testDescription: "number for a boolean",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      jailbreakForbidden: 1
                """,
            line: 5, field: "policies[0].requirements.jailbreakForbidden", message: "must be true or false"),
        Fault(
            testDescription: "text for a list",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    scope:
                      ownership: byod
                """,
            line: 5, field: "policies[0].scope.ownership", message: "must be a list, not text"),
        Fault(
            testDescription: "list for a mapping",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      - passcodeRequired
                """,
            line: 4, field: "policies[0].requirements", message: "must be a mapping of keys to values, not a list"),
        Fault(
            testDescription: "missing name",
            yaml: """
                format: vigil-policy/1
                policies:
                  - description: nameless
                """,
            line: 3, field: "policies[0].name", message: "is required"),
        Fault(
            testDescription: "missing escalation action",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    escalation:
                      - afterMinutes: 0
                """,
            line: 5, field: "policies[0].escalation[0].action", message: "is required"),
        Fault(
            testDescription: "unknown ownership",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    scope:
                      ownership:
                        - corporate
                        - byd
                """,
            line: 7, field: "policies[0].scope.ownership[1]", message: "'byd' is not an ownership; use one of corporate"),
        Fault(
            testDescription: "unknown device class",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    scope:
                      deviceClass: [medical-device]
                """,
            line: 5, field: "policies[0].scope.deviceClass[0]", message: "'medical-device' is not a device class"),
        Fault(
            testDescription: "unknown role",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    scope:
                      role: [doctor]
                """,
            line: 5, field: "policies[0].scope.role[0]", message: "'doctor' is not a role"),
        Fault(
            testDescription: "unknown platform",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      minimumOSVersion:
                        ios: "17.0"
                        iso: "17.0"
                """,
            line: 7, field: "policies[0].requirements.minimumOSVersion.iso",
            message: "is not a platform; use one of ios, ipados"),
        Fault(
            testDescription: "unknown escalation action",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    escalation:
                      - afterMinutes: 0
                        action: notify
                      - afterMinutes: 60
                        action: wipe
                """,
            line: 8, field: "policies[0].escalation[1].action", message: "'wipe' is not an escalation action"),
        Fault(
            testDescription: "duplicate policy name",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                  - name: b
                  - name: a
                    description: again
                """,
            line: 5, field: "policies[2].name", message: "is already the name of policies[0]"),
        Fault(
            testDescription: "invalid name",
            yaml: """
                format: vigil-policy/1
                policies:
                  - description: first
                    name: BYOD Phones
                """,
            line: 4, field: "policies[0].name", message: "must be 1 to 64 lowercase letters"),
        Fault(
            testDescription: "invalid OS version",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      minimumOSVersion:
                        android: "14"
                        ios: seventeen
                """,
            line: 7, field: "policies[0].requirements.minimumOSVersion.ios", message: "must be a version"),
        Fault(
            testDescription: "escalation step out of range",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    escalation:
                      - afterMinutes: 0
                        action: notify
                      - action: lock
                        afterMinutes: -1
                """,
            line: 8, field: "policies[0].escalation[1].afterMinutes", message: "must be between 0 and 525600"),
        Fault(
            testDescription: "empty scope list",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    scope:
                      deviceClass: [phone]
                      ownership: []
                """,
            line: 6, field: "policies[0].scope.ownership", message: "must list at least one value"),
        Fault(
            testDescription: "too many escalation steps",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    gracePeriodMinutes: 10
                    escalation: [\(Array(repeating: "{afterMinutes: 1, action: notify}", count: 9).joined(separator: ", "))]
                """,
            line: 5, field: "policies[0].escalation", message: "must have at most 8 steps"),
        Fault(
            testDescription: "grace period out of range",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    gracePeriodMinutes: 100000
                """,
            line: 4, field: "policies[0].gracePeriodMinutes", message: "must be between 0 and 43200"),
        Fault(
            testDescription: "empty approved model",
            yaml: """
                format: vigil-policy/1
                policies:
                  - name: a
                    requirements:
                      approvedModels:
                        - Pixel 8
                        - "  "
                """,
            line: 7, field: "policies[0].requirements.approvedModels[1]", message: "must not be empty"),
    ]

    @Test(arguments: faults)
    func aFaultNamesItsLineAndField(_ fault: Fault) throws {
        let error = try #require(throws: PolicyFileError.self) { try PolicyFile.parse(fault.yaml) }
        #expect(error.line == fault.line, "\(error)")
        #expect(error.field == fault.field, "\(error)")
        #expect(error.message.contains(fault.message), "\(error)")
    }
}
