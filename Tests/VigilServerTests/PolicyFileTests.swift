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

    @Test func theExampleFileHasTheBYODProgram() throws {
        let file = try PolicyFile.parse(try Self.exampleFile())
        let agreements = try #require(file.agreements)
        #expect(agreements.map(\.name) == ["acceptable-use", "privacy"])
        #expect(agreements.map(\.kind) == [.acceptableUse, .privacy])
        #expect(agreements.map(\.graceDays) == [14, 30])
        #expect(agreements.allSatisfy { $0.effectiveAt == nil && $0.text.hasSuffix(".\n") })
        #expect(agreements[0].audience == AgreementAudience(affiliations: [.employee, .affiliatedClinician, .contractor]))
        #expect(agreements[0].text.hasPrefix("# Acceptable use of personal devices\n\nMercy General Hospital"))
        #expect(agreements[1].audience == AgreementAudience())

        let rules = try #require(file.approvalRules)
        #expect(rules.byod.autoApprove)
        #expect(rules.byod.allowedPlatforms == [.ios, .ipados, .android])
        #expect(rules.byod.minimumOSVersions == [.ios: "17.0", .ipados: "17.0", .android: "14"])
        #expect(rules.byod.blockedModels == ["Galaxy S9*", "Moto E*"])
        #expect(rules.byod.maximumDevicesPerPerson == 3)
        #expect(!rules.patientOwned.autoApprove)
        #expect(rules.patientOwned.maximumDevicesPerPerson == 2)
        #expect(file.collection == CollectionMatrix.defaults, "the example writes Vigil's defaults out")

        let apps = try #require(file.apps)
        #expect(apps.map(\.id) == ["org.hospital.ehr", "org.hospital.securechat", "org.hospital.parking"])
        #expect(apps.map(\.draft.handlesPHI) == [true, true, false])
        #expect(apps[0].draft == CatalogAppDraft(
            name: "EHR Mobile", platforms: [.ios, .ipados, .android], ownerships: [.corporate, .byod, .shared],
            handlesPHI: true, required: true))
    }

    @Test func aFileWithoutBYODSectionsLeavesThemOut() throws {
        let file = try PolicyFile.parse("format: vigil-policy/1\npolicies: []\n")
        #expect(file.agreements == nil && file.approvalRules == nil && file.collection == nil && file.apps == nil)
        #expect(!file.yaml().contains("agreements") && !file.yaml().contains("collection"))
        let empty = try PolicyFile.parse("format: vigil-policy/1\npolicies: []\nagreements: []\napps: []\napprovalRules: {}\n")
        #expect(empty.agreements == [] && empty.apps == [])
        #expect(empty.approvalRules == PolicyFile.ApprovalRuleSets(), "rules left out take the defaults")
        #expect(try PolicyFile.parse(empty.yaml()) == empty)
    }

    @Test func theWriterWritesTheBYODSectionsInAFixedOrder() throws {
        let effective = try #require(RFC3339.parse("2030-01-15T08:00:00Z"))
        let file = PolicyFile(
            agreements: [
                AgreementDraft(
                    name: "acceptable-use", kind: .acceptableUse, title: "Acceptable use", text: "Line one.\n\n  Indented: yes\n",
                    effectiveAt: effective, graceDays: 7,
                    audience: AgreementAudience(roles: [.nurseManager, .clinician], affiliations: [.contractor])),
                AgreementDraft(name: "privacy", kind: .privacy, title: "Privacy", text: "No final line break", graceDays: 14),
            ],
            approvalRules: PolicyFile.ApprovalRuleSets(
                byod: ApprovalRules(
                    autoApprove: true, allowedPlatforms: [.android, .ios], minimumOSVersions: [.android: "14", .ios: "17.10"],
                    allowedModels: ["*"], blockedModels: ["true"], maximumDevicesPerPerson: 2)),
            collection: CollectionMatrix([.byod: [.deviceName: .hidden]]),
            apps: [
                PolicyFile.App(
                    id: "org.hospital.ehr",
                    draft: CatalogAppDraft(
                        name: "EHR: mobile", platforms: [.android, .ios], ownerships: [.byod], handlesPHI: true, required: true)),
                PolicyFile.App(id: "org.hospital.parking", draft: CatalogAppDraft(name: "Parking", handlesPHI: false)),
            ])
        let written = file.yaml()
        let expected = """
            # Vigil policy file. Versions are kept by the server, so this file has none.
            format: vigil-policy/1
            policies: []

            agreements:
            - name: acceptable-use
              kind: acceptable_use
              title: Acceptable use
              graceDays: 7
              effectiveAt: 2030-01-15T08:00:00.000Z
              audience:
                roles: [nurse_manager, clinician]
                affiliations: [contractor]
              text: |
                Line one.

                  Indented: yes

            - name: privacy
              kind: privacy
              title: Privacy
              graceDays: 14
              text: |-
                No final line break

            approvalRules:
              byod:
                autoApprove: true
                allowedPlatforms: [ios, android]
                minimumOSVersions:
                  ios: "17.10"
                  android: "14"
                allowedModels:
                - '*'
                blockedModels:
                - 'true'
                maximumDevicesPerPerson: 2
              patientOwned:
                autoApprove: false

            collection:
            """
        #expect(written.hasPrefix(expected), "\(written)")
        #expect(written.contains("""
              byod:
                preciseLocation: never
                phoneNumber: never
                personalApps: never
                serialNumber: never
                hardwareIdentifiers: never
                deviceName: collect_hidden
            """))
        #expect(written.hasSuffix("""
            apps:
            - id: org.hospital.ehr
              name: 'EHR: mobile'
              platforms: [ios, android]
              ownerships: [byod]
              handlesPHI: true
              required: true

            - id: org.hospital.parking
              name: Parking
              handlesPHI: false
              required: false

            """))
        #expect(try PolicyFile.parse(written) == file)
        #expect(PolicyFile.lines(of: file.apps![1]) == [
            "- id: org.hospital.parking", "  name: Parking", "  handlesPHI: false", "  required: false",
        ])
        #expect(PolicyFile.lines(of: file.agreements![0]).suffix(4) == ["  text: |", "    Line one.", "", "      Indented: yes"])
    }

    @Test func readingNormalizesTheBYODSectionsAsTheServerWould() throws {
        let file = try PolicyFile.parse(
            """
            format: vigil-policy/1
            policies: []
            agreements:
              - name: aup
                kind: acceptable_use
                title: "  Padded title  "
                effectiveAt: 2030-06-01T12:00:00+02:00
                audience:
                  roles: [clinician, clinician]
                text: Short text.
            collection:
              byod:
                personalApps: collect_hidden
            apps:
              - id: org.example.app
                name: "  Padded  "
                platforms: [ios, ios]
                handlesPHI: false
            """)
        let agreement = try #require(file.agreements?.first)
        #expect(agreement.title == "Padded title")
        #expect(agreement.graceDays == nil, "a grace period left out stays out: the server gives its default")
        #expect(agreement.effectiveAt == RFC3339.parse("2030-06-01T10:00:00Z"))
        #expect(agreement.audience.roles == [.clinician])
        #expect(file.collection?.level(of: .personalApps, for: .byod) == .hidden)
        #expect(file.collection?.level(of: .deviceName, for: .byod) == .collect, "an entry left out takes the default")
        #expect(file.collection?.level(of: .preciseLocation, for: .corporate) == .collect)
        #expect(file.apps?.first?.draft == CatalogAppDraft(name: "Padded", platforms: [.ios], handlesPHI: false))
        #expect(try PolicyFile.parse(file.yaml()) == file)
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

        /// Expects reading the file to fail with this fault's line, field and message.
        func expectRefused() throws {
            let error = try #require(throws: PolicyFileError.self) { try PolicyFile.parse(yaml) }
            #expect(error.line == line, "\(error)")
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
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
            testDescription: "unknown top-level key", yaml: "format: vigil-policy/1\npolicies: []\nshifts: []\n",
            line: 3, field: "shifts",
            message: "is not a known key; use one of format, policies, agreements, approvalRules, collection, apps, fences"),
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
    ] + byodFaults

    /// A valid document, for the faults of the others around it.
    static let goodAgreement = """
          - name: good
            kind: privacy
            title: Privacy
            text: |
              We see little.
        """

    static let byodFaults: [Fault] = [
        Fault(
            testDescription: "agreements not a list",
            yaml: "format: vigil-policy/1\npolicies: []\nagreements: {name: a}\n",
            line: 3, field: "agreements", message: "must be a list, not a mapping"),
        Fault(
            testDescription: "typo in an agreement key",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                \(goodAgreement)
                  - name: aup
                    kind: acceptable_use
                    titel: Acceptable use
                """,
            line: 11, field: "agreements[1].titel", message: "is not a known key; use one of name, kind, title, text"),
        Fault(
            testDescription: "agreement version is the server's",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    version: 2
                """,
            line: 5, field: "agreements[0].version", message: "is assigned by the server"),
        Fault(
            testDescription: "agreement without text",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                """,
            line: 4, field: "agreements[0].text", message: "is required"),
        Fault(
            testDescription: "unknown agreement kind",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable-use
                """,
            line: 5, field: "agreements[0].kind",
            message: "'acceptable-use' is not a kind of document; use one of acceptable_use, privacy"),
        Fault(
            testDescription: "unknown audience role",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                    audience:
                      roles: [clinician, doctor]
                    text: Be careful.
                """,
            line: 8, field: "agreements[0].audience.roles[1]", message: "'doctor' is not a role"),
        Fault(
            testDescription: "unknown audience affiliation",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                    audience:
                      affiliations: [staff]
                    text: Be careful.
                """,
            line: 8, field: "agreements[0].audience.affiliations[0]", message: "'staff' is not an affiliation"),
        Fault(
            testDescription: "effective date not RFC 3339",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                    effectiveAt: next monday
                    text: Be careful.
                """,
            line: 7, field: "agreements[0].effectiveAt", message: "must be an RFC 3339 time"),
        Fault(
            testDescription: "grace period out of range",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                \(goodAgreement)
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                    text: Be careful.
                    graceDays: 400
                """,
            line: 13, field: "agreements[1].graceDays", message: "must be between 0 and 365"),
        Fault(
            testDescription: "agreement name not a slug",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - kind: acceptable_use
                    name: Acceptable Use
                    title: Acceptable use
                    text: Be careful.
                """,
            line: 5, field: "agreements[0].name", message: "must be 1 to 64 lowercase letters"),
        Fault(
            testDescription: "blank agreement text",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                    text: "   "
                """,
            line: 7, field: "agreements[0].text", message: "must not be empty"),
        Fault(
            testDescription: "agreement text as a number of lines",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                  - name: aup
                    kind: acceptable_use
                    title: Acceptable use
                    text: [one, two]
                """,
            line: 7, field: "agreements[0].text", message: "must be text, not a list"),
        Fault(
            testDescription: "repeated agreement name",
            yaml: """
                format: vigil-policy/1
                policies: []
                agreements:
                \(goodAgreement)
                \(goodAgreement)
                """,
            line: 9, field: "agreements[1].name", message: "is already the name of agreements[0]"),
        Fault(
            testDescription: "too many agreements",
            yaml: "format: vigil-policy/1\npolicies: []\nagreements:\n"
                + (0...50).map { "  - {name: doc\($0), kind: privacy, title: T, text: x}\n" }.joined(),
            line: 3, field: "agreements", message: "must list at most 50 documents, not 51"),
        Fault(
            testDescription: "unknown kind of personal device",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    autoApprove: true
                  patient_owned:
                    autoApprove: false
                """,
            line: 6, field: "approvalRules.patient_owned",
            message: "is not a kind of personal device; use one of byod, patientOwned"),
        Fault(
            testDescription: "typo in an approval rule",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    autoApprove: true
                    maximumDevices: 2
                """,
            line: 6, field: "approvalRules.byod.maximumDevices", message: "is not a known key"),
        Fault(
            testDescription: "text for autoApprove",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    autoApprove: "yes"
                """,
            line: 5, field: "approvalRules.byod.autoApprove", message: "must be true or false, not text"),
        Fault(
            testDescription: "unknown allowed platform",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  patientOwned:
                    allowedPlatforms: [ios, symbian]
                """,
            line: 5, field: "approvalRules.patientOwned.allowedPlatforms[1]", message: "'symbian' is not a platform"),
        Fault(
            testDescription: "unknown platform of a minimum version",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    minimumOSVersions:
                      iphone: "17.0"
                """,
            line: 6, field: "approvalRules.byod.minimumOSVersions.iphone", message: "is not a platform; use one of ios"),
        Fault(
            testDescription: "minimum version that is not a version",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    autoApprove: true
                  patientOwned:
                    minimumOSVersions:
                      android: "14"
                      ios: latest
                """,
            line: 9, field: "approvalRules.patientOwned.minimumOSVersions.ios", message: "is not a version such as 17.4"),
        Fault(
            testDescription: "wildcard inside a model",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    blockedModels:
                      - Galaxy S9*
                      - Galaxy * Lite
                """,
            line: 7, field: "approvalRules.byod.blockedModels[1]", message: "may use * only at the end of a model name"),
        Fault(
            testDescription: "device limit out of range",
            yaml: """
                format: vigil-policy/1
                policies: []
                approvalRules:
                  byod:
                    autoApprove: true
                    maximumDevicesPerPerson: 0
                """,
            line: 6, field: "approvalRules.byod.maximumDevicesPerPerson", message: "must be between 1 and 100"),
        Fault(
            testDescription: "unknown ownership in the collection matrix",
            yaml: """
                format: vigil-policy/1
                policies: []
                collection:
                  personal:
                    deviceName: never
                """,
            line: 4, field: "collection.personal", message: "is not an ownership; use one of corporate, byod"),
        Fault(
            testDescription: "unknown collected field",
            yaml: """
                format: vigil-policy/1
                policies: []
                collection:
                  byod:
                    deviceName: never
                    location: never
                """,
            line: 6, field: "collection.byod.location", message: "is not a collected field; use one of preciseLocation"),
        Fault(
            testDescription: "unknown collection level",
            yaml: """
                format: vigil-policy/1
                policies: []
                collection:
                  patient_owned:
                    deviceName: hidden
                """,
            line: 5, field: "collection.patient_owned.deviceName",
            message: "'hidden' is not a collection level; use one of collect, collect_hidden, never"),
        Fault(
            testDescription: "app identifier with a space",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - id: org.hospital.ehr
                    name: EHR
                    handlesPHI: true
                  - name: Chat
                    id: org hospital chat
                    handlesPHI: true
                """,
            line: 8, field: "apps[1].id", message: "must be a bundle or package identifier"),
        Fault(
            testDescription: "app without handlesPHI",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - id: org.hospital.ehr
                    name: EHR
                """,
            line: 4, field: "apps[0].handlesPHI", message: "is required"),
        Fault(
            testDescription: "app approval for PHI is not the file's",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - id: org.hospital.ehr
                    name: EHR
                    handlesPHI: true
                    approvedForPHI: true
                """,
            line: 7, field: "apps[0].approvedForPHI", message: "is decided by a security officer"),
        Fault(
            testDescription: "app assessments are not the file's",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - id: org.hospital.ehr
                    name: EHR
                    handlesPHI: true
                    assessments: []
                """,
            line: 7, field: "apps[0].assessments", message: "are review records"),
        Fault(
            testDescription: "unknown app ownership",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - id: org.hospital.ehr
                    name: EHR
                    ownerships: [byod, personal]
                    handlesPHI: true
                """,
            line: 6, field: "apps[0].ownerships[1]", message: "'personal' is not an ownership"),
        Fault(
            testDescription: "blank app name",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - id: org.hospital.ehr
                    handlesPHI: true
                    name: " "
                """,
            line: 6, field: "apps[0].name", message: "must not be empty"),
        Fault(
            testDescription: "repeated app identifier",
            yaml: """
                format: vigil-policy/1
                policies: []
                apps:
                  - {id: org.hospital.ehr, name: EHR, handlesPHI: true}
                  - {id: org.hospital.chat, name: Chat, handlesPHI: true}
                  - {id: org.hospital.ehr, name: EHR again, handlesPHI: true}
                """,
            line: 6, field: "apps[2].id", message: "is already the id of apps[0]"),
    ]

    @Test(arguments: faults)
    func aFaultNamesItsLineAndField(_ fault: Fault) throws {
        try fault.expectRefused()
    }
}
