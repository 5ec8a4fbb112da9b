(self.ArtifactPressData=self.ArtifactPressData||{})["search/meta"]=JSON.parse("{\"version\":1,\"docs\":9,\"docShard\":500,\"shards\":[\"00\"]}");
