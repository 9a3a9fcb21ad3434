import Testing
import VigilCore

/// What the hospital may do to a device, by ownership and collection matrix.
@Suite struct RemoteCapabilitiesTests {
    @Test func onlyHospitalOwnedDevicesMayBeWipedWhole() {
        let matrix = CollectionMatrix.defaults
        for ownership in Ownership.allCases {
            #expect(DeviceActionPolicy.allows(.fullWipe, on: ownership, collection: matrix) == ownership.isHospitalOwned)
            for action in [RemoteAction.lock, .ring, .selectiveWipe] {
                #expect(DeviceActionPolicy.allows(action, on: ownership, collection: matrix), "\(action) on \(ownership)")
            }
            #expect(!DeviceActionPolicy.allows(.readPersonalData, on: ownership, collection: matrix))
        }
        #expect(!DeviceActionPolicy.allows(.fullWipe, on: .byod, collection: matrix))
        #expect(!DeviceActionPolicy.allows(.fullWipe, on: .patientOwned, collection: matrix))
        #expect(DeviceActionPolicy.allows(.fullWipe, on: .patientIssued, collection: matrix))
    }

    @Test func locatingAndSeeingAppsFollowTheMatrix() {
        let matrix = CollectionMatrix.defaults
        #expect(!DeviceActionPolicy.allows(.locate, on: .byod, collection: matrix))
        #expect(!DeviceActionPolicy.allows(.viewPersonalApps, on: .byod, collection: matrix))
        #expect(DeviceActionPolicy.allows(.locate, on: .corporate, collection: matrix))
        #expect(DeviceActionPolicy.allows(.locate, on: .patientIssued, collection: matrix), "hidden is still collected")

        let opened = CollectionMatrix([.byod: [.preciseLocation: .hidden], .corporate: [.personalApps: .never]])
        #expect(DeviceActionPolicy.allows(.locate, on: .byod, collection: opened))
        #expect(!DeviceActionPolicy.allows(.viewPersonalApps, on: .corporate, collection: opened))
        #expect(!DeviceActionPolicy.allows(.fullWipe, on: .byod, collection: opened), "no matrix makes a personal device wipeable")
    }

    @Test func theListStatesEveryActionAsTheRuleDecides() {
        let matrix = CollectionMatrix.defaults
        for ownership in Ownership.allCases {
            let capabilities = DeviceActionPolicy.capabilities(for: ownership, collection: matrix)
            #expect(capabilities.map(\.action) == RemoteAction.allCases)
            for capability in capabilities {
                #expect(capability.allowed == DeviceActionPolicy.allows(capability.action, on: ownership, collection: matrix))
                #expect(!capability.detail.isEmpty && capability.title == capability.action.title)
            }
        }
        let byod = DeviceActionPolicy.capabilities(for: .byod, collection: matrix)
        #expect(byod.first { $0.action == .fullWipe }?.detail.hasPrefix("Never") == true)
        #expect(byod.first { $0.action == .selectiveWipe }?.allowed == true)
    }
}
