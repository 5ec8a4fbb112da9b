(self.ArtifactPressData=self.ArtifactPressData||{})["search/meta"]=JSON.parse("{\"version\":1,\"docs\":2,\"docShard\":500,\"shards\":[\"am\"]}");
